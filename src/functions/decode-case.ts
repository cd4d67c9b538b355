/**
 * `decode(expr, search1, result1, search2, result2, ..., [default])`: the first result whose search
 * equals `expr` under null-safe equality (`NULL` finds `NULL`), else the default, else NULL — as
 * Spark rewrites it into `CASE WHEN expr <=> search1 THEN result1 ... ELSE default END`. The
 * results share one type (the default, when absent, is a NULL string, as in Spark). The
 * two-argument `decode(binary, charset)` is the charset decoder in encoding-functions.ts.
 */
import { t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { coerceAll } from './coercion.ts'
import type { BindContext, BoundScalar } from './function-def.ts'
import { PREDICATES } from './predicates.ts'

const NULL_STRING: BoundExpr = Object.freeze({
  kind: 'literal',
  value: null,
  type: t.string(),
  nullable: true,
})

/**
 * Binds the search form of decode (three or more arguments).
 *
 * @example decode(2, 1, 'one', 2, 'two', 'many') // 'two'
 */
export function bindDecodeCase(args: readonly BoundExpr[], ctx: BindContext): BoundScalar {
  const nullSafeEq = PREDICATES.find((d) => d.name === '<=>')
  if (nullSafeEq === undefined) throw new Error('<=> is not defined')
  const [input, ...rest] = args
  const pairs = Math.floor(rest.length / 2)
  const tests: BoundExpr[] = []
  const eqs: ((a: unknown, b: unknown) => boolean)[] = []
  for (let i = 0; i < pairs; i++) {
    const eq = nullSafeEq.bind([input, rest[2 * i]], ctx)
    if (eq.impl.kind !== 'fn') throw new Error('<=> must be a function')
    eqs.push(eq.impl.fn as (a: unknown, b: unknown) => boolean)
    tests.push(...(eq.args ?? [input, rest[2 * i]]))
  }
  const results = [
    ...rest.filter((_, i) => i % 2 === 1 && i < 2 * pairs),
    rest.length % 2 === 1 ? rest[rest.length - 1] : NULL_STRING,
  ]
  const coerced = coerceAll(results, 'decode')
  const fn = (...values: unknown[]): unknown => {
    for (let i = 0; i < pairs; i++) {
      if (eqs[i](values[2 * i], values[2 * i + 1])) return values[2 * pairs + i]
    }
    return values[3 * pairs]
  }
  return {
    type: coerced.type,
    args: [...tests, ...coerced.args],
    impl: { kind: 'fn', fn, nullSafe: true },
    nullable: coerced.args.some((a) => a.nullable),
  }
}
