/**
 * The conjuncts of a filter a scan may judge blocks by (Parquet row groups by their statistics):
 * a column compared with a constant, a column IN a list of constants, a column IS (NOT) NULL, a
 * boolean column on its own or negated. A "column" is a reference, or a reference under a cast that
 * keeps the order of the values (int to bigint, int or bigint to double, float to double), so that
 * a bound on the stored values is a bound on the compared ones. Every other conjunct is left to the
 * filter, which runs above the scan whatever the scan skips.
 */
import type { BoundExpr } from '../functions/bound-expr.ts'

/** A constant a condition compares with: numbers for int, bigint, double, float, date (days) and timestamp (epoch ms). */
export type ScanValue = number | string | boolean

/** A condition on one column (a position in the scanned schema) against constants. */
export type ScanCondition =
  | {
      readonly column: number
      readonly op: '=' | '<' | '<=' | '>' | '>='
      readonly value: ScanValue
    }
  | { readonly column: number; readonly op: 'in'; readonly values: readonly ScanValue[] }
  | { readonly column: number; readonly op: 'isNull' }
  | { readonly column: number; readonly op: 'isNotNull' }

const FLIPPED = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const
type Op = keyof typeof FLIPPED

const JUDGED = new Set(['int', 'long', 'double', 'float', 'date', 'timestamp', 'string', 'boolean'])
// Casts that keep the order of the values they convert (a wider or equal numeric type).
const ORDER_KEEPING: Readonly<Record<string, readonly string[]>> = {
  long: ['int'],
  double: ['int', 'long', 'float'],
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

type Ref = Extract<BoundExpr, { kind: 'ref' }>

/**
 * Appends to `out` the conditions of `condition`'s conjuncts that a scan can judge.
 *
 * @example scanConditionsOf(bound(col('a').gt(7).and(col('s').eq('x'))), out) // [{column:0,op:'>',value:7}, {column:2,op:'=',value:'x'}]
 */
export function scanConditionsOf(condition: BoundExpr, out: ScanCondition[]): void {
  if (condition.kind === 'ref') {
    if (condition.type.kind === 'boolean') out.push({ column: condition.ordinal, op: '=', value: true })
    return
  }
  if (condition.kind !== 'call') return
  const args = condition.args
  const name = condition.name
  if (name === 'and') {
    for (const a of args) scanConditionsOf(a, out)
    return
  }
  const first = args[0] === undefined ? null : columnOf(args[0])
  if ((name === 'isnull' || name === 'isnotnull') && first !== null) {
    out.push(
      name === 'isnull'
        ? { column: first.ordinal, op: 'isNull' }
        : { column: first.ordinal, op: 'isNotNull' },
    )
    return
  }
  if (name === 'not' && args[0]?.kind === 'ref' && args[0].type.kind === 'boolean') {
    out.push({ column: args[0].ordinal, op: '=', value: false })
    return
  }
  if (name === 'in' && first !== null) {
    // An IN over literals holds its list as constants (a set), any other keeps it in its args.
    const list = condition.constants?.map(scanValueOf)
    const values = list ?? args.slice(1).map(constantOf)
    if (values.length > 0 && values.every((v) => v !== null))
      out.push({ column: first.ordinal, op: 'in', values: values as ScanValue[] })
    return
  }
  if (!(name in FLIPPED) || args.length !== 2) return
  const op = name as Op
  const b = columnOf(args[1])
  const va = constantOf(args[0])
  const vb = constantOf(args[1])
  if (first !== null && vb !== null) out.push({ column: first.ordinal, op, value: vb })
  else if (b !== null && va !== null) out.push({ column: b.ordinal, op: FLIPPED[op], value: va })
}

/** The column reference an expression compares, through order-keeping casts; else null. */
function columnOf(e: BoundExpr): Ref | null {
  if (e.kind === 'ref') return JUDGED.has(e.type.kind) ? e : null
  if (e.kind !== 'call' || e.name !== 'cast' || e.args.length !== 1) return null
  const inner = e.args[0]
  const from = ORDER_KEEPING[e.type.kind]
  return inner.kind === 'ref' && from?.includes(inner.type.kind) === true ? inner : null
}

/**
 * A constant a scan can compare with: a finite number, a string without lone surrogates (whose
 * UTF-8 order would differ), a boolean; a numeric literal under a numeric cast. Else null.
 */
function constantOf(e: BoundExpr): ScanValue | null {
  if (e.kind === 'literal') return scanValueOf(e.value)
  if (e.kind !== 'call' || e.name !== 'cast' || e.args.length !== 1) return null
  const arg = e.args[0]
  const numeric = (k: string) => k === 'int' || k === 'long' || k === 'double' || k === 'float'
  if (arg.kind !== 'literal' || !numeric(arg.type.kind) || !numeric(e.type.kind)) return null
  const v = constantOf(arg)
  if (typeof v !== 'number') return null
  // A cast to an integral type truncates; to float it rounds: only exact conversions keep the value.
  if ((e.type.kind === 'int' || e.type.kind === 'long') && !Number.isInteger(v)) return null
  return e.type.kind === 'float' && Math.fround(v) !== v ? null : v
}

function scanValueOf(v: unknown): ScanValue | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'string') return LONE_SURROGATE.test(v) ? null : v
  return typeof v === 'boolean' ? v : null
}
