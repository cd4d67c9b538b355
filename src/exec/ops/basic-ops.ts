/** Small physical operators: scan of local rows, sort, limit, deduplicate, union, generate, typed map. */
import type { SortKey } from '../../analysis/analyzed-plan.ts'
import type { BoundExpr } from '../../functions/bound-expr.ts'
import { comparatorFor, compositeKey } from '../../functions/values.ts'
import type { ExecContext, ExecNode, Row, RowBatch } from '../exec-node.ts'
import { compileExpr } from '../expr/compile-expr.ts'
import { sqlOf } from '../stage-codegen.ts'

abstract class Unary implements ExecNode {
  abstract readonly name: string
  readonly children: readonly ExecNode[]
  constructor(child: ExecNode) {
    this.children = [child]
  }
  abstract describe(): string
  abstract execute(ctx: ExecContext): RowBatch
  protected input(ctx: ExecContext): RowBatch {
    return this.children[0].execute(ctx)
  }
}

export class LocalScanExec implements ExecNode {
  readonly name = 'LocalScanExec'
  readonly children: readonly ExecNode[] = []
  private readonly rows: readonly (readonly unknown[])[]
  constructor(rows: readonly (readonly unknown[])[]) {
    this.rows = rows
  }
  describe(): string {
    return `[${this.rows.length} rows]`
  }
  execute(): RowBatch {
    return this.rows as RowBatch
  }
}

export class SortExec extends Unary {
  readonly name = 'SortExec'
  private readonly keys: readonly SortKey[]
  private readonly evals: ((row: Row) => unknown)[]
  private readonly comparators: ((a: unknown, b: unknown) => number)[]
  constructor(child: ExecNode, keys: readonly SortKey[]) {
    super(child)
    this.keys = keys
    this.evals = keys.map((k) => compileExpr(k.expr))
    this.comparators = keys.map((k) => comparatorFor(k.expr.type))
  }
  describe(): string {
    return `[${this.keys.map((k) => `${sqlOf(k.expr)} ${k.ascending ? 'ASC' : 'DESC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}]`
  }
  execute(ctx: ExecContext): RowBatch {
    const rows = this.input(ctx)
    const decorated = rows.map((row) => ({ row, keys: this.evals.map((f) => f(row)) }))
    const keys = this.keys
    const comparators = this.comparators
    decorated.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const x = a.keys[i]
        const y = b.keys[i]
        if (x === y) continue
        if (x === null || y === null) return (x === null) === keys[i].nullsFirst ? -1 : 1
        const c = comparators[i](x, y)
        if (c !== 0) return keys[i].ascending ? c : -c
      }
      return 0
    })
    return decorated.map((d) => d.row)
  }
}

export class LimitExec extends Unary {
  readonly name = 'LimitExec'
  private readonly n: number
  constructor(child: ExecNode, n: number) {
    super(child)
    this.n = n
  }
  describe(): string {
    return String(this.n)
  }
  execute(ctx: ExecContext): RowBatch {
    return this.input(ctx).slice(0, this.n)
  }
}

export class DeduplicateExec extends Unary {
  readonly name = 'DeduplicateExec'
  private readonly keys: readonly number[]
  constructor(child: ExecNode, keys: readonly number[]) {
    super(child)
    this.keys = keys
  }
  describe(): string {
    return `[${this.keys.map((k) => `#${k}`).join(', ')}]`
  }
  execute(ctx: ExecContext): RowBatch {
    const seen = new Set<string>()
    const out: RowBatch = []
    for (const row of this.input(ctx)) {
      const key = compositeKey(this.keys.map((k) => row[k]))
      if (seen.has(key)) continue
      seen.add(key)
      out.push(row)
    }
    return out
  }
}

export class UnionExec implements ExecNode {
  readonly name = 'UnionExec'
  readonly children: readonly ExecNode[]
  constructor(left: ExecNode, right: ExecNode) {
    this.children = [left, right]
  }
  describe(): string {
    return ''
  }
  execute(ctx: ExecContext): RowBatch {
    return this.children.flatMap((c) => c.execute(ctx))
  }
}

export class GenerateExec extends Unary {
  readonly name = 'GenerateExec'
  private readonly input_: BoundExpr
  private readonly eval: (row: Row) => unknown
  private readonly pos: boolean
  private readonly outer: boolean
  private readonly isMap: boolean
  /** inline: the struct fields each element becomes (one row per struct); null for explode. */
  private readonly fields: readonly string[] | null
  constructor(child: ExecNode, opts: { input: BoundExpr; pos: boolean; outer: boolean; inline?: boolean }) {
    super(child)
    this.input_ = opts.input
    this.eval = compileExpr(opts.input)
    this.pos = opts.pos
    this.outer = opts.outer
    this.isMap = opts.input.type.kind === 'map'
    const t = opts.input.type
    this.fields =
      opts.inline === true && t.kind === 'array' && t.element.kind === 'struct'
        ? t.element.fields.map((f) => f.name)
        : null
  }
  describe(): string {
    if (this.fields !== null) return `inline${this.outer ? '_outer' : ''}(${sqlOf(this.input_)})`
    return `${this.pos ? 'posexplode' : 'explode'}${this.outer ? '_outer' : ''}(${sqlOf(this.input_)})`
  }
  private itemsOf(v: unknown): unknown[][] {
    if (v === null) return []
    if (this.isMap) return [...(v as Map<unknown, unknown>)]
    const fields = this.fields
    if (fields === null) return (v as unknown[]).map((x) => [x])
    // A NULL struct in the array is a row of NULLs, as in Spark.
    return (v as (Record<string, unknown> | null)[]).map((s) => fields.map((f) => (s === null ? null : s[f])))
  }
  execute(ctx: ExecContext): RowBatch {
    const out: RowBatch = []
    const width = this.fields?.length ?? (this.isMap ? 2 : 1)
    for (const row of this.input(ctx)) {
      const items = this.itemsOf(this.eval(row))
      if (items.length === 0 && this.outer) {
        out.push([...row, ...(this.pos ? [null] : []), ...new Array(width).fill(null)])
        continue
      }
      items.forEach((item, i) => {
        out.push(this.pos ? [...row, i, ...item] : [...row, ...item])
      })
    }
    return out
  }
}

export class MapRowsExec extends Unary {
  readonly name = 'MapRowsExec'
  private readonly fn: (row: any) => unknown
  private readonly flat: boolean
  private readonly decode: (row: readonly unknown[]) => object
  private readonly encode: (objects: readonly object[]) => RowBatch
  /** `decode` turns input rows into the user's objects, `encode` validates what the user returns. */
  constructor(
    child: ExecNode,
    opts: {
      fn: (row: any) => unknown
      flat: boolean
      decode: (row: readonly unknown[]) => object
      encode: (objects: readonly object[]) => RowBatch
    },
  ) {
    super(child)
    this.fn = opts.fn
    this.flat = opts.flat
    this.decode = opts.decode
    this.encode = opts.encode
  }
  describe(): string {
    return this.flat ? 'flatMap' : 'map'
  }
  execute(ctx: ExecContext): RowBatch {
    const results: object[] = []
    for (const row of this.input(ctx)) {
      const r = this.fn(this.decode(row))
      if (this.flat) for (const x of r as Iterable<object>) results.push(x)
      else results.push(r as object)
    }
    return this.encode(results)
  }
}
