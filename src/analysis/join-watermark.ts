/**
 * What the watermark proves about the rows of a stream-stream join (Spark's StreamingJoinHelper):
 * whether a watermarked column is a join key (then both sides' rows are evicted once the key's
 * event time is behind the watermark), and the "state value watermark" a time-range condition
 * gives one side: with `r.ts BETWEEN l.ts AND l.ts + INTERVAL 1 HOUR` and the watermark W on `r.ts`,
 * no future right row can match a left row with `l.ts <= W - 1 hour`.
 *
 * As in Spark, each `<`, `<=`, `>`, `>=` conjunct of the condition is solved on its own: it must
 * relate one column of the side to evict to one watermarked column of the other side, linearly
 * (`+`/`-` of intervals and numbers); the side's value watermark is the smallest of the solutions:
 * `W + c` for a strict bound, `W + c - 1 ms` for `<=`/`>=` (as Spark), and rows `<=` it go.
 */
import { type BoundExpr, boundRef } from '../functions/bound-expr.ts'
import type { Attribute } from './analyzed-plan.ts'
import { transformBound } from './rewrite.ts'

/** The columns of a join's combined [left..., right...] row: which side each belongs to. */
export interface JoinSides {
  readonly attrs: readonly Attribute[]
  readonly leftWidth: number
}

/** The conjuncts of an AND chain. @example conjunctsOf(cond).length */
export function conjunctsOf(e: BoundExpr | null): BoundExpr[] {
  if (e === null) return []
  return e.kind === 'call' && e.name === 'and' ? e.args.flatMap(conjunctsOf) : [e]
}

/** A linear form: coefficient per combined-row ordinal, plus a constant (ms). */
interface Linear {
  readonly terms: Map<number, number>
  readonly constant: number
}

function linearOf(
  e: BoundExpr,
  sign: number,
  acc: { terms: Map<number, number>; constant: number },
): boolean {
  if (e.kind === 'ref') {
    if (e.type.kind !== 'timestamp') return false
    acc.terms.set(e.ordinal, (acc.terms.get(e.ordinal) ?? 0) + sign)
    return true
  }
  if (e.kind === 'literal') {
    if (typeof e.value !== 'number') return false
    acc.constant += sign * e.value
    return true
  }
  if (e.kind !== 'call') return false
  if (e.name === '+' && e.args.length === 2)
    return linearOf(e.args[0], sign, acc) && linearOf(e.args[1], sign, acc)
  if (e.name === '-' && e.args.length === 2)
    return linearOf(e.args[0], sign, acc) && linearOf(e.args[1], -sign, acc)
  if ((e.name === 'negative' || e.name === '-') && e.args.length === 1) return linearOf(e.args[0], -sign, acc)
  return false
}

/** `a - b` as a linear form, or undefined when it is not one. */
function difference(a: BoundExpr, b: BoundExpr): Linear | undefined {
  const acc = { terms: new Map<number, number>(), constant: 0 }
  if (!linearOf(a, 1, acc) || !linearOf(b, -1, acc)) return undefined
  for (const [k, v] of acc.terms) if (v === 0) acc.terms.delete(k)
  return acc
}

const isLeft = (ordinal: number, sides: JoinSides): boolean => ordinal < sides.leftWidth

/**
 * The offset `c` of one side's state value watermark (`W + c`, W the event-time watermark), from
 * the time-range conjuncts of `condition`; undefined when none bounds that side (its rows then stay).
 *
 * @example stateValueWatermarkOffset(cond, sides, 'left') // -3600000 for r.ts <= l.ts + 1 hour
 */
export function stateValueWatermarkOffset(
  condition: BoundExpr | null,
  sides: JoinSides,
  side: 'left' | 'right',
): number | undefined {
  let best: number | undefined
  for (const c of conjunctsOf(condition)) {
    if (c.kind !== 'call' || c.args.length !== 2) continue
    const [a, b] = c.args
    const solved =
      c.name === '<' || c.name === '<='
        ? solve(a, b, sides, side)
        : c.name === '>' || c.name === '>='
          ? solve(b, a, sides, side)
          : undefined
    if (solved === undefined) continue
    // A non-strict bound keeps rows 1 ms longer (Spark subtracts 1 for <= and >=).
    const offset = c.name.length === 2 ? solved - 1 : solved
    best = best === undefined ? offset : Math.min(best, offset)
  }
  return best
}

/**
 * Solves `a < b` (i.e. `a - b < 0`) for the side's column: it must appear as `-col` and the other
 * side's one column must be watermarked, giving `col > W + c`; returns c.
 */
function solve(a: BoundExpr, b: BoundExpr, sides: JoinSides, side: 'left' | 'right'): number | undefined {
  const d = difference(a, b)
  if (d === undefined) return undefined
  const mine = [...d.terms].filter(([o]) => isLeft(o, sides) === (side === 'left'))
  const other = [...d.terms].filter(([o]) => isLeft(o, sides) !== (side === 'left'))
  if (mine.length !== 1 || other.length !== 1) return undefined
  if (mine[0][1] !== -1 || other[0][1] !== 1) return undefined
  if (sides.attrs[other[0][0]].eventTimeWatermark === undefined) return undefined
  return d.constant
}

/**
 * The position of the first equi-join key that is a watermarked column on either side (Spark's
 * `findJoinKeyOrdinalForWatermark`), or -1.
 *
 * @example watermarkKeyOrdinal(leftKeys, rightKeys, left.output, right.output) // 0
 */
export function watermarkKeyOrdinal(
  leftKeys: readonly BoundExpr[],
  rightKeys: readonly BoundExpr[],
  leftAttrs: readonly Attribute[],
  rightAttrs: readonly Attribute[],
): number {
  const watermarked = (k: BoundExpr, attrs: readonly Attribute[]) =>
    k.kind === 'ref' && attrs[k.ordinal]?.eventTimeWatermark !== undefined
  const l = leftKeys.findIndex((k) => watermarked(k, leftAttrs))
  return l >= 0 ? l : rightKeys.findIndex((k) => watermarked(k, rightAttrs))
}

/** Which side of a join's combined row `e` reads. @example sideOf(cond, 3) // 'both' */
export function sideOf(e: BoundExpr, leftWidth: number): 'L' | 'R' | 'both' | 'none' {
  let l = false
  let r = false
  transformBound(e, (x) => {
    if (x.kind === 'ref') {
      if (x.ordinal < leftWidth) l = true
      else r = true
    }
    return undefined
  })
  return l && r ? 'both' : l ? 'L' : r ? 'R' : 'none'
}

/** `e` over the combined row, rebased onto the right side's row. @example shiftLeft(rightKey, 3) */
export const shiftLeft = (e: BoundExpr, by: number): BoundExpr =>
  transformBound(e, (x) =>
    x.kind === 'ref' ? boundRef(x.ordinal - by, x.name, x.type, x.nullable) : undefined,
  )

/**
 * The equi-join keys of a join of two streams: the analyzer's, plus the `left = right` conjuncts
 * it left in the residual (e.g. equal event-time windows, compared as structs); and the rest.
 *
 * @example streamingJoinKeys(p.leftKeys, p.rightKeys, p.residual, p.left.output.length)
 */
export function streamingJoinKeys(
  leftKeys: readonly BoundExpr[],
  rightKeys: readonly BoundExpr[],
  residual: BoundExpr | null,
  leftWidth: number,
): { leftKeys: BoundExpr[]; rightKeys: BoundExpr[]; rest: BoundExpr[] } {
  const out = { leftKeys: [...leftKeys], rightKeys: [...rightKeys], rest: [] as BoundExpr[] }
  for (const c of conjunctsOf(residual)) {
    const [a, b] = c.kind === 'call' && c.name === '=' ? c.args.map((x) => sideOf(x, leftWidth)) : []
    if (c.kind === 'call' && a === 'L' && b === 'R') {
      out.leftKeys.push(c.args[0])
      out.rightKeys.push(shiftLeft(c.args[1], leftWidth))
    } else if (c.kind === 'call' && a === 'R' && b === 'L') {
      out.leftKeys.push(c.args[1])
      out.rightKeys.push(shiftLeft(c.args[0], leftWidth))
    } else out.rest.push(c)
  }
  return out
}
