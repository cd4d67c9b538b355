/**
 * The slots of a DISTINCT aggregate (Spark's distinct aggregation): the argument tuples collected
 * into a Set, each tuple as its composite key (one argument: the value itself); `finish` sees the
 * Set. Shared by the numeric and decimal aggregates.
 */
import type { AggregateImpl } from './function-def.ts'
import { compositeKey } from './values.ts'

const keyExpr = (args: readonly string[]): string =>
  args.length === 1 ? args[0] : `key([${args.join(', ')}])`

/**
 * Collects distinct argument tuples into a Set; `finish` turns the Set's code into the result's.
 *
 * @example distinctImpl((s) => `${s}.size`) // count(DISTINCT x)
 */
export function distinctImpl(
  finish: (s: string) => string,
  helpers: Record<string, unknown> = {},
): AggregateImpl {
  return {
    init: ['new Set()'],
    slotCodecs: ['set'],
    update: ([s], args) => `${s}.add(${keyExpr(args)})`,
    merge: ([a], [b]) => `for (const x of ${b}) ${a}.add(x)`,
    finish: ([s]) => finish(s),
    helpers: { key: compositeKey, ...helpers },
  }
}
