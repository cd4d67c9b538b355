/**
 * The statestore source's `joinSide` option (Spark's `StateSourceOptions.JoinSideValues`): one side
 * of a stream-stream join's state, as the rows that side buffers. Sluice keeps each side in one
 * store named after it (exec/ops/join-side-state.ts: key `[joinKeys..., evictAtMs, batchId, seq]`,
 * value `[row, matched]`), so a side reads its store and shows:
 *
 * - `key`: the join key columns (a struct of the first n key fields);
 * - `value`: the buffered input row of that side (a struct of the side's columns, by name — kept
 *   as `name#i` only when two columns share a name);
 * - `partition_id`.
 *
 * e.g. `joinSide: 'left'` on `impressions.join(clicks, 'adId')` gives rows like
 * `{ key: { adId: 'ad-1' }, value: { adId: 'ad-1', ts: 1700000000000 }, partition_id: 3 }`.
 */
import { SluiceError } from '../../errors.ts'
import { field, type StructType, structOf } from '../../schema/data-type.ts'
import type { StateEntry } from '../../state/spi.ts'
import type { OptionReader } from '../connector-options.ts'

/** The key fields after the join keys: `evictAtMs`, `batchId`, `seq`. */
const TRAILING_KEY_FIELDS = 3

/** The side the options name (`left` / `right`), or undefined without `joinSide` (or `none`). */
export function joinSideOf(o: OptionReader): 'left' | 'right' | undefined {
  const raw = o.get('joinSide')
  if (raw === undefined) return undefined
  const side = raw.toLowerCase()
  if (side === 'none') return undefined
  if (side !== 'left' && side !== 'right') throw o.invalid('joinSide', "be 'left', 'right' or 'none'")
  if (o.get('storeName') !== undefined) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      "The statestore source's options joinSide and storeName cannot be used together: joinSide reads the side's store. Drop storeName.",
    )
  }
  return side
}

/** How one side's entries become rows: the schema of `key` and `value`, and the mapping. */
export interface JoinSideView {
  readonly keySchema: StructType
  readonly valueSchema: StructType
  toRow(e: StateEntry): [Record<string, unknown>, Record<string, unknown>]
}

/**
 * The view of a join side's store whose recorded schemas are `keySchema` / `valueSchema`.
 *
 * @example joinSideView(store.keySchema, store.valueSchema, 0).toRow(entry) // [{ adId: 'ad-1' }, { adId: 'ad-1', ts: 0 }]
 */
export function joinSideView(
  keySchema: StructType,
  valueSchema: StructType,
  operatorId: number,
): JoinSideView {
  const rowField = valueSchema.fields.find((f) => f.name === 'row')
  const n = keySchema.fields.length - TRAILING_KEY_FIELDS
  if (rowField === undefined || rowField.type.kind !== 'struct' || n < 0) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `Operator ${operatorId} is not a stream-stream join, so the statestore source's joinSide option does not apply to it; read it without joinSide.`,
    )
  }
  const keyFields = keySchema.fields.slice(0, n).map((f) => field(userName(f.name), f.type, f.nullable))
  const stored = rowField.type.fields
  const bare = stored.map((f) => userName(f.name.replace(/#[0-9]+$/, '')))
  const names = new Set(bare).size === bare.length ? bare : stored.map((f) => f.name)
  return {
    keySchema: structOf(keyFields),
    valueSchema: structOf(stored.map((f, i) => field(names[i], f.type, true))),
    toRow(e) {
      const key = Object.fromEntries(keyFields.map((f, i) => [f.name, e.key[i] ?? null]))
      const row = (e.value as readonly unknown[])[0] as readonly unknown[]
      return [key, Object.fromEntries(names.map((name, i) => [name, row[i] ?? null]))]
    },
  }
}

/** A column's name as the user wrote it: a USING join's key is `\u0000L<name>` inside (join-analysis.ts). */
function userName(name: string): string {
  return name.startsWith('\u0000') ? name.slice(2) : name
}
