/**
 * Accumulates the body of one generated JavaScript function: statements, fresh variable names and
 * the runtime values (functions, constants) the code refers to. `build()` turns it into a real
 * function with `new Function`, so V8 sees one tight loop per stage instead of a tree walk per row.
 */
export class CodeBuilder {
  private readonly lines: string[] = []
  private readonly constValues: unknown[] = []
  private readonly constNames = new Map<unknown, string>()
  private counter = 0
  private indent = 1
  /** The source of the last built function (for explain('codegen')). */
  lastSource = ''

  /** A fresh local variable name with the given prefix. */
  fresh(prefix = 'v'): string {
    return `${prefix}${this.counter++}`
  }

  /** Appends one statement (or several lines) at the current indentation. */
  emit(code: string): void {
    this.lines.push('  '.repeat(this.indent) + code)
  }

  /** Emits `head {`, runs `body` one level deeper, then `}`. */
  block(head: string, body: () => void, tail = '}'): void {
    this.emit(`${head} {`)
    this.indent++
    body()
    this.indent--
    this.emit(tail)
  }

  /** The name under which the generated code can refer to a runtime value. */
  constant(value: unknown): string {
    const known = this.constNames.get(value)
    if (known !== undefined) return known
    const name = `k${this.constValues.length}`
    this.constValues.push(value)
    this.constNames.set(value, name)
    return name
  }

  /** The generated source, for `explain('codegen')` and debugging. */
  source(params: readonly string[]): string {
    const header = this.constValues.map((_, i) => `  const k${i} = $k[${i}]`).join('\n')
    return `${header}\n  return function (${params.join(', ')}) {\n${this.lines.map((l) => `  ${l}`).join('\n')}\n  }`
  }

  /** Compiles the accumulated body into a function taking `params`. */
  build<F extends (...args: any[]) => any>(params: readonly string[]): F {
    this.lastSource = this.source(params)
    const factory = new Function('$k', this.lastSource) as (k: unknown[]) => F
    return factory(this.constValues)
  }
}

/** A JS source literal for a primitive value, or undefined when it needs a runtime constant. */
export function jsLiteral(value: unknown): string | undefined {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return String(value)
    case 'string':
      return JSON.stringify(value)
    case 'number':
      if (Object.is(value, -0)) return '-0'
      return Number.isFinite(value) || Number.isNaN(value)
        ? String(value)
        : value > 0
          ? 'Infinity'
          : '-Infinity'
    default:
      return undefined
  }
}
