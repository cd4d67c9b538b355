/**
 * `collect_union(arr)`: the distinct non-NULL elements of every array in the group, in first-seen
 * order (Spark's order is its hash set's, so compare sorted). Kept in a Map slot keyed by each
 * element's composite key, which streaming state stores as it is.
 */
import { t } from '../schema/data-type.ts'
import { argTypeError } from './define.ts'
import { aggregateDef } from './statistical-aggregates.ts'
import { compositeKey } from './values.ts'

export const COLLECT_UNION = aggregateDef('collect_union', [1, 1], ([a]) => {
  if (a.type.kind !== 'array') throw argTypeError('collect_union', 0, a, 'an array')
  return {
    type: t.array(a.type.element, false),
    nullable: false,
    args: [a],
    impl: {
      init: ['new Map()'],
      slotCodecs: ['map'],
      update: ([s], [v]) => `for (const x of ${v}) if (x !== null) ${s}.set(key([x]), x)`,
      merge: ([s], [s2]) => `for (const [k, x] of ${s2}) ${s}.set(k, x)`,
      finish: ([s]) => `[...${s}.values()]`,
      helpers: { key: compositeKey },
    },
  }
})
