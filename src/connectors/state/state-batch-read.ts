/**
 * The state data sources (Spark 3.5+/4.0's `statestore` and `state-metadata`): batch reads of a
 * streaming query's checkpoint. Read-only, and every store version read is a committed one, so a
 * running query's checkpoint can be read beside it.
 *
 * `format('statestore').load(checkpoint)`, options `operatorId` (0), `storeName` (`default`),
 * `batchId` (the last committed batch; state version batchId + 1): one row per key and partition,
 * `key` and `value` as structs of the schemas in `state/<op>/_metadata`, and `partition_id`;
 * `joinSide` (`left` / `right`) reads one side of a stream-stream join as its buffered rows
 * (join-side-read.ts).
 *
 * `format('state-metadata').load(checkpoint)`: one row per (operator, store): `operatorId`,
 * `operatorName`, `stateStoreName`, `numPartitions`, `minBatchId`, `maxBatchId`, `keySchema`,
 * `valueSchema` (DDL strings) and `provider` (`memory` or `lmdb`, from the files).
 */
import { join } from 'node:path'
import { batchIdOfFile, commitsDir, stateMetadataPath, statePartitionDir } from '../../checkpoint/layout.ts'
import { SluiceError } from '../../errors.ts'
import { type FileSystem, nodeFileSystem } from '../../io/fs.ts'
import { type DataType, field, type StructType, simpleString, structOf, t } from '../../schema/data-type.ts'
import { stateStoreDir } from '../../state/memory-state-store-provider.ts'
import { readStateVersion, summarizeStoreFiles } from '../../state/read-state-version.ts'
import type { StateEntry, StateKey } from '../../state/spi.ts'
import { readStateSchemaMetadata, type StateSchemaMetadata } from '../../state/state-schema-metadata.ts'
import { readOptions } from '../connector-options.ts'
import { joinSideOf, joinSideView } from './join-side-read.ts'

/** What a state read returns: the rows of a local relation. */
export interface StateReadResult {
  readonly schema: StructType
  readonly rows: unknown[][]
}

function checkpointOf(format: string, paths: readonly string[], option: string | undefined): string {
  const all = option === undefined ? paths : [option, ...paths]
  if (all.length !== 1) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `format('${format}') reads one checkpoint: load('/path/to/checkpoint'), but got ${all.length} paths.`,
    )
  }
  return all[0]
}

/** The last committed batch of the checkpoint, or undefined before the first commit. */
async function lastCommittedBatch(fs: FileSystem, checkpoint: string): Promise<number | undefined> {
  let last: number | undefined
  for (const name of await fs.list(commitsDir(checkpoint))) {
    const id = batchIdOfFile(name)
    if (id !== undefined && (last === undefined || id > last)) last = id
  }
  return last
}

async function operatorIds(fs: FileSystem, checkpoint: string): Promise<number[]> {
  const names = await fs.list(join(checkpoint, 'state'))
  return names.flatMap((n) => (/^(0|[1-9][0-9]*)$/.test(n) ? [Number(n)] : [])).sort((a, b) => a - b)
}

async function metadataOf(fs: FileSystem, checkpoint: string, op: number): Promise<StateSchemaMetadata> {
  const m = await readStateSchemaMetadata(fs, stateMetadataPath(checkpoint, op))
  if (m === undefined) {
    throw new SluiceError(
      'PATH_NOT_FOUND',
      `The checkpoint ${checkpoint} has no stateful operator ${op} (no ${stateMetadataPath(checkpoint, op)}). format('state-metadata') lists the operators it has.`,
    )
  }
  return m
}

/**
 * Reads one store of one operator at one batch.
 *
 * @example await readStateStoreBatch({ operatorId: '0' }, ['/ckpt'])
 */
export async function readStateStoreBatch(
  options: Readonly<Record<string, string>>,
  paths: readonly string[],
  fs: FileSystem = nodeFileSystem,
): Promise<StateReadResult> {
  const o = readOptions('statestore source', options, [
    'path',
    'operatorId',
    'storeName',
    'batchId',
    'joinSide',
  ])
  const side = joinSideOf(o)
  const checkpoint = checkpointOf('statestore', paths, o.get('path'))
  const operatorId = o.int('operatorId', 0)
  const storeName = side ?? o.get('storeName') ?? 'default'
  const meta = await metadataOf(fs, checkpoint, operatorId)
  const store = meta.stores.find((s) => s.storeName === storeName)
  if (store === undefined && side !== undefined) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `Operator ${operatorId} of ${checkpoint} is not a stream-stream join (it has no '${side}' store), so the statestore source's joinSide option does not apply to it; read it without joinSide.`,
    )
  }
  if (store === undefined) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `Operator ${operatorId} of ${checkpoint} has no store '${storeName}'; its stores: ${meta.stores.map((s) => s.storeName).join(', ')}.`,
    )
  }
  const last = await lastCommittedBatch(fs, checkpoint)
  const batchId = o.long('batchId', last ?? -1)
  if (batchId < 0 || last === undefined || batchId > last) {
    throw o.invalid('batchId', `be a committed batch of ${checkpoint} (0 to ${last ?? 'none yet'})`)
  }
  const view =
    side === undefined
      ? {
          keySchema: store.keySchema,
          valueSchema: store.valueSchema,
          toRow: (e: StateEntry) => [
            keyStruct(e.key, store.keySchema),
            valueStruct(e.value, store.valueSchema, operatorId),
          ],
        }
      : joinSideView(store.keySchema, store.valueSchema, operatorId)
  const schema = structOf([
    field('key', view.keySchema, false),
    field('value', view.valueSchema, false),
    field('partition_id', t.int(), false),
  ])
  const rows: unknown[][] = []
  for (let p = 0; p < meta.numPartitions; p++) {
    const dir = stateStoreDir(statePartitionDir(checkpoint, operatorId, p), storeName)
    const id = { operatorId, partition: p, storeName }
    for (const e of await readStateVersion(fs, dir, id, batchId + 1)) rows.push([...view.toRow(e), p])
  }
  return { schema, rows }
}

function keyStruct(key: StateKey, schema: StructType): Record<string, unknown> {
  return Object.fromEntries(schema.fields.map((f, i) => [f.name, key[i] ?? null]))
}

/** A stored value as the value schema's struct: one stored slot per field, in order. */
function valueStruct(value: unknown, schema: StructType, operatorId: number): Record<string, unknown> {
  const slots = Array.isArray(value) ? value : [value]
  const fits =
    slots.length === schema.fields.length && schema.fields.every((f, i) => fitsType(slots[i], f.type))
  if (!fits) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `The state of operator ${operatorId} keeps intermediate buffers (e.g. avg's sum and count, a HyperLogLog sketch) that do not match its value schema ${simpleString(schema)} field by field, so the statestore source cannot show them yet; it reads counts, sums, min/max, first/last, collect_list/collect_set and dedup state.`,
    )
  }
  return Object.fromEntries(schema.fields.map((f, i) => [f.name, plain(slots[i])]))
}

function plain(v: unknown): unknown {
  return v instanceof Set ? [...v] : v
}

function fitsType(v: unknown, type: DataType): boolean {
  if (v === null || v === undefined) return true
  switch (type.kind) {
    case 'byte':
    case 'short':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'timestamp':
    case 'date':
      return typeof v === 'number'
    case 'string':
    case 'decimal':
      return typeof v === 'string'
    case 'boolean':
      return typeof v === 'boolean'
    case 'array':
      return Array.isArray(v) || v instanceof Set
    case 'map':
      return v instanceof Map
    case 'struct':
      return typeof v === 'object'
    default:
      return true
  }
}

/**
 * Lists the stateful operators and stores of a checkpoint.
 *
 * @example await readStateMetadataBatch({}, ['/ckpt'])
 */
export async function readStateMetadataBatch(
  options: Readonly<Record<string, string>>,
  paths: readonly string[],
  fs: FileSystem = nodeFileSystem,
): Promise<StateReadResult> {
  const o = readOptions('state-metadata source', options, ['path'])
  const checkpoint = checkpointOf('state-metadata', paths, o.get('path'))
  const schema = structOf([
    field('operatorId', t.int(), false),
    field('operatorName', t.string(), false),
    field('stateStoreName', t.string(), false),
    field('numPartitions', t.int(), false),
    field('minBatchId', t.long(), true),
    field('maxBatchId', t.long(), true),
    field('keySchema', t.string(), false),
    field('valueSchema', t.string(), false),
    field('provider', t.string(), false),
  ])
  const last = await lastCommittedBatch(fs, checkpoint)
  const rows: unknown[][] = []
  for (const op of await operatorIds(fs, checkpoint)) {
    const meta = await metadataOf(fs, checkpoint, op)
    for (const s of meta.stores) {
      const summary = await summarizeStoreFiles(
        fs,
        stateStoreDir(statePartitionDir(checkpoint, op, 0), s.storeName),
      )
      const min = summary.minVersion === undefined ? null : Math.max(0, summary.minVersion - 1)
      rows.push([
        op,
        meta.operatorKind,
        s.storeName,
        meta.numPartitions,
        last === undefined ? null : min,
        last ?? null,
        simpleString(s.keySchema),
        simpleString(s.valueSchema),
        summary.provider,
      ])
    }
  }
  return { schema, rows }
}
