/**
 * A reference evaluator for bound expressions: a plain recursive tree walk with SQL null semantics,
 * written without looking at how the compiler lays out code. Property tests check that compiled
 * expressions agree with it on random trees and rows. Also holds small builders for bound nodes
 * (what the analyzer would produce), so tests can write `call('+', a, b)`.
 */
import { SluiceError } from '../../src/errors.ts'
import type { BoundCall, BoundCase, BoundExpr, BoundField, Impl } from '../../src/functions/bound-expr.ts'
import { bindCast } from '../../src/functions/cast.ts'
import { lookupFunction } from '../../src/functions/catalog.ts'
import { withBindContext } from '../../src/functions/coercion.ts'
import type { BindContext } from '../../src/functions/function-def.ts'
import { type DataType, simpleString } from '../../src/schema/data-type.ts'

/** The bind context every harness-built call uses: UTC, query start at the epoch. */
export const TEST_CONTEXT: BindContext = Object.freeze({ timeZone: 'UTC', runtime: { currentTimestamp: 0 } })

/**
 * Evaluates `e` against `row` by walking the tree.
 *
 * @example
 * interpret(call('+', boundRef(0, 'x', t.int(), false), boundLiteral(1, t.int())), [41]) // 42
 */
export function interpret(e: BoundExpr, row: readonly unknown[]): unknown {
  switch (e.kind) {
    case 'ref':
      return row[e.ordinal]
    case 'literal':
      return e.value
    case 'field': {
      const struct = interpret(e.child, row) as Record<string, unknown> | null
      return struct === null ? null : struct[e.name]
    }
    case 'case':
      for (const branch of e.branches) {
        if (interpret(branch.when, row) === true) return interpret(branch.then, row)
      }
      return e.otherwise === null ? null : interpret(e.otherwise, row)
    case 'udf': {
      const values = e.args.map((a) => interpret(a, row))
      try {
        return e.fn(...values) ?? null
      } catch (err) {
        throw new SluiceError(
          'UDF_FAILED',
          `User-defined function \`${e.name}\` threw: ${(err as Error)?.message}`,
          {
            cause: err,
          },
        )
      }
    }
    case 'call':
      return interpretCall(e, row)
    case 'lambda':
    case 'lambdaVar':
      throw new Error('harness: lambdas are not interpreted; compile the expression instead')
  }
}

function interpretCall(e: BoundCall, row: readonly unknown[]): unknown {
  if (e.name === 'and' || e.name === 'or') return logic(e.name === 'and', e.args, row)
  if (e.name === 'coalesce') {
    for (const arg of e.args) {
      const v = interpret(arg, row)
      if (v !== null) return v
    }
    return null
  }
  if (isNullSafe(e.impl))
    return apply(
      e,
      e.args.map((a) => interpret(a, row)),
    )
  // As in Spark, a NULL argument ends evaluation: later arguments are not evaluated.
  const values: unknown[] = []
  for (const arg of e.args) {
    const v = interpret(arg, row)
    if (v === null) return null
    values.push(v)
  }
  return apply(e, values)
}

/** SQL three-valued AND/OR; the right side is evaluated only when the left does not decide. */
function logic(isAnd: boolean, args: readonly BoundExpr[], row: readonly unknown[]): boolean | null {
  const decided = !isAnd
  const left = interpret(args[0], row)
  if (left === decided) return decided
  const right = interpret(args[1], row)
  if (right === decided) return decided
  if (left === null || right === null) return null
  return !decided
}

const isNullSafe = (impl: Impl): boolean => impl.kind !== 'op' && impl.nullSafe === true

function apply(e: BoundCall, values: unknown[]): unknown {
  const impl = e.impl
  switch (impl.kind) {
    case 'op':
      return values.length === 1 ? unaryOp(impl.op, values[0]) : binaryOp(impl.op, values[0], values[1])
    case 'template':
      return templateFunction(impl, values.length)(...values)
    case 'fn':
      return impl.withSite ? impl.fn(...values, e.sql) : impl.fn(...values)
  }
}

function unaryOp(op: string, a: any): unknown {
  switch (op) {
    case '-':
      return -a
    case '+':
      return +a
    case '!':
      return !a
    default:
      throw new Error(`interpreter: unknown unary operator ${op}`)
  }
}

function binaryOp(op: string, a: any, b: any): unknown {
  switch (op) {
    case '+':
      return a + b
    case '-':
      return a - b
    case '*':
      return a * b
    case '/':
      return a / b
    case '%':
      return a % b
    case '===':
      return a === b
    case '!==':
      return a !== b
    case '<':
      return a < b
    case '<=':
      return a <= b
    case '>':
      return a > b
    case '>=':
      return a >= b
    case '&&':
      return a && b
    case '||':
      return a || b
    default:
      throw new Error(`interpreter: unknown binary operator ${op}`)
  }
}

type TemplateImpl = Extract<Impl, { kind: 'template' }>
const templates = new WeakMap<TemplateImpl, Map<number, (...args: unknown[]) => unknown>>()

/** The template's code as a real function of `arity` parameters, built once per impl and arity. */
function templateFunction(impl: TemplateImpl, arity: number): (...args: unknown[]) => unknown {
  let byArity = templates.get(impl)
  if (byArity === undefined) templates.set(impl, (byArity = new Map()))
  let f = byArity.get(arity)
  if (f === undefined) {
    const names = Array.from({ length: arity }, (_, i) => `a${i}`)
    f = new Function(...names, `return (${impl.code(names)})`) as (...args: unknown[]) => unknown
    byArity.set(arity, f)
  }
  return f
}

// ---- builders ------------------------------------------------------------------------------------

/**
 * A bound call of catalog function `name`, bound the way the analyzer binds it (implicit casts
 * applied, nullability defaulting to "any argument nullable").
 *
 * @example
 * call('=', boundRef(0, 'x', t.int(), true), boundLiteral(1, t.int())) // x = 1, boolean
 */
export function call(name: string, ...args: BoundExpr[]): BoundCall {
  const def = lookupFunction(name)
  if (def.kind !== 'scalar') throw new Error(`harness: ${name} is an aggregate`)
  const r = withBindContext(TEST_CONTEXT, () => def.bind(args, TEST_CONTEXT))
  const finalArgs = r.args ?? args
  return Object.freeze({
    kind: 'call',
    name,
    impl: r.impl,
    args: finalArgs,
    type: r.type,
    nullable: r.nullable ?? finalArgs.some((a) => a.nullable),
    // As bind-expr: a call whose nullability comes only from its arguments is strict.
    strict:
      r.nullable === undefined &&
      (r.impl.kind === 'op' || r.impl.nullSafe !== true) &&
      !['and', 'or', 'coalesce'].includes(name),
    // The SQL the user wrote: the arguments before implicit casts.
    sql: showExpr({ kind: 'call', name, args } as unknown as BoundCall, false),
    deterministic: r.deterministic ?? true,
  })
}

/**
 * CAST(e AS to) (mode 'ansi') or TRY_CAST (mode 'try').
 *
 * @example
 * cast(boundLiteral('42', t.string()), t.int()) // CAST('42' AS INT)
 */
export function cast(e: BoundExpr, to: DataType, mode: 'ansi' | 'try' = 'ansi'): BoundCall {
  return bindCast(e, to, mode, TEST_CONTEXT)
}

/**
 * CASE WHEN ... THEN ... [ELSE ...] END; every THEN/ELSE must already have type `type`.
 *
 * @example
 * caseWhen([[call('>', x, zero), one]], null) // CASE WHEN x > 0 THEN 1 END
 */
export function caseWhen(
  branches: readonly (readonly [BoundExpr, BoundExpr])[],
  otherwise: BoundExpr | null,
): BoundCase {
  const values = [...branches.map(([, then]) => then), ...(otherwise ? [otherwise] : [])]
  return Object.freeze({
    kind: 'case',
    branches: Object.freeze(branches.map(([when, then]) => Object.freeze({ when, then }))),
    otherwise,
    type: values[0].type,
    nullable: otherwise === null || values.some((v) => v.nullable),
  })
}

/**
 * `child.name` on a struct-typed expression.
 *
 * @example
 * fieldOf(boundRef(0, 's', t.struct({ a: t.int() }), true), 'a')
 */
export function fieldOf(child: BoundExpr, name: string): BoundField {
  if (child.type.kind !== 'struct') throw new Error('harness: fieldOf needs a struct')
  const f = child.type.fields.find((x) => x.name === name)
  if (f === undefined) throw new Error(`harness: no field ${name}`)
  return Object.freeze({ kind: 'field', child, name, type: f.type, nullable: child.nullable || f.nullable })
}

/**
 * Readable SQL text of a bound tree; with `types`, columns show their type and `?` when nullable.
 *
 * @example
 * showExpr(call('+', x, one)) // '(x:int + 1)'
 * showExpr(call('+', x, one), false) // '(x + 1)'
 */
export function showExpr(e: BoundExpr, types = true): string {
  const show = (c: BoundExpr): string => showExpr(c, types)
  switch (e.kind) {
    case 'ref':
      return types ? `${e.name}:${simpleString(e.type)}${e.nullable ? '?' : ''}` : e.name
    case 'literal':
      return showValue(e.value)
    case 'field':
      return `${show(e.child)}.${e.name}`
    case 'case': {
      const whens = e.branches.map((b) => `WHEN ${show(b.when)} THEN ${show(b.then)}`).join(' ')
      return `CASE ${whens}${e.otherwise ? ` ELSE ${show(e.otherwise)}` : ''} END`
    }
    case 'udf':
      return `${e.name}(${e.args.map(show).join(', ')})`
    case 'lambdaVar':
      return e.name
    case 'lambda':
      return `(${e.params.map((p) => p.name).join(', ')}) -> ${show(e.body)}`
    case 'call': {
      if (e.name === 'cast') return `${e.sql.split('(')[0]}(${show(e.args[0])} AS ${simpleString(e.type)})`
      const args = e.args.map(show)
      const infix = /^[^a-z]/.test(e.name) || e.name === 'and' || e.name === 'or'
      if (infix && args.length === 2) return `(${args[0]} ${e.name} ${args[1]})`
      return `${e.name}(${args.join(', ')})`
    }
  }
}

/**
 * Equality of evaluation results: `Object.is` on numbers (NaN equals NaN; -0 differs from 0, as
 * Spark shows -0.0), element-wise on arrays, structs, maps and binary.
 *
 * @example
 * sameValue(Number.NaN, Number.NaN) // true
 * sameValue(-0, 0) // false
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (a instanceof Uint8Array || Array.isArray(a)) {
    const xs = a as ArrayLike<unknown>
    const ys = b as ArrayLike<unknown>
    if (Array.isArray(a) !== Array.isArray(b) || xs.length !== ys.length) return false
    for (let i = 0; i < xs.length; i++) if (!sameValue(xs[i], ys[i])) return false
    return true
  }
  if (a instanceof Map) return b instanceof Map && sameValue([...a].flat(), [...b].flat())
  return sameValue(Object.entries(a).flat(), Object.entries(b).flat())
}

/**
 * A value as a test message shows it: strings quoted, -0 and NaN spelled out, nested values expanded.
 *
 * @example
 * showValue({ a: -0, b: 'x' }) // '{a: -0, b: "x"}'
 */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v)
  if (Object.is(v, -0)) return '-0'
  if (v === null || typeof v !== 'object') return String(v)
  if (Array.isArray(v)) return `[${v.map(showValue).join(', ')}]`
  if (v instanceof Uint8Array) return `X'${Buffer.from(v).toString('hex')}'`
  if (v instanceof Map)
    return `map(${[...v].map(([k, x]) => `${showValue(k)} -> ${showValue(x)}`).join(', ')})`
  return `{${Object.entries(v)
    .map(([k, x]) => `${k}: ${showValue(x)}`)
    .join(', ')}}`
}
