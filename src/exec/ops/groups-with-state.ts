/**
 * What the batch and streaming `[map|flatMap]GroupsWithState` operators share: grouping decoded
 * rows by the user's key, and calling the user's function for one group (its errors become
 * UDF_FAILED naming the group).
 */
import { SluiceError } from '../../errors.ts'
import type { GroupsWithStateSpec } from '../../plan/logical-plan.ts'
import { type DataType, type StructType, simpleString } from '../../schema/data-type.ts'
import { compileRowDecoder, compileRowEncoder } from '../../schema/row-codec.ts'
import type { RowBatch } from '../exec-node.ts'
import { eventTimeOf, isBehind, type OperatorBatchMetrics } from '../stateful.ts'
import type { GroupStateImpl } from './group-state-impl.ts'

/** One group of a batch: its key and its rows (as the user's objects). */
export interface Group {
  readonly key: unknown
  readonly rows: object[]
}

/** The identity of a key value for grouping (structs and arrays by content). */
export function keyIdentity(key: unknown): unknown {
  return typeof key === 'object' && key !== null ? JSON.stringify(key, jsonSafe) : key
}

function jsonSafe(_k: string, v: unknown): unknown {
  if (v instanceof Map) return [...v]
  if (v instanceof Uint8Array) return [...v]
  return v
}

/** Groups `objects` by `keyOf`, in first-seen order. */
export function groupRows(objects: readonly object[], keyOf: (row: object) => unknown): Group[] {
  return groupByKeys(objects, objects.map(keyOf))
}

/** Groups `objects` by their `keys` (computed already, e.g. by the exchange), in first-seen order. */
export function groupByKeys(objects: readonly object[], keys: readonly unknown[]): Group[] {
  const byKey = new Map<unknown, Group>()
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]
    const key = keys[i]
    const id = keyIdentity(key)
    let g = byKey.get(id)
    if (g === undefined) {
      g = { key, rows: [] }
      byKey.set(id, g)
    }
    g.rows.push(o)
  }
  return [...byKey.values()]
}

/** The operator's name as the user wrote it, for messages. */
export function callName(spec: GroupsWithStateSpec): string {
  return spec.isMapGroupsWithState ? 'mapGroupsWithState' : 'flatMapGroupsWithState'
}

/**
 * Calls the user's function for one group; its rows go to `out`. A throw becomes UDF_FAILED naming
 * the group's key (the batch fails, nothing is committed).
 */
export function callGroup(
  spec: GroupsWithStateSpec,
  key: unknown,
  rows: readonly object[],
  state: GroupStateImpl<unknown>,
  out: unknown[],
): void {
  callWithKey(callName(spec), key, () => spec.fn(key, rows, state), out)
}

/** Runs user code `call` for the group `key` of operator `what`, collecting its rows into `out`. */
export function callWithKey(what: string, key: unknown, call: () => Iterable<unknown>, out: unknown[]): void {
  try {
    for (const r of call()) out.push(r)
  } catch (e) {
    if (e instanceof SluiceError) throw e
    const message = e instanceof Error ? e.message : String(e)
    throw new SluiceError(
      'UDF_FAILED',
      `The ${what} function failed for the group with key ${JSON.stringify(keyIdentity(key))}: ${message}`,
      { cause: e },
    )
  }
}

/** The key's type checked on each row: the key function must return a value of `keyType`. */
export function keyFunction(spec: GroupsWithStateSpec): (row: object) => unknown {
  return keyFunctionOf(spec.keyFn, spec.keyType)
}

/** `keyFn` with its result checked against `keyType`. */
export function keyFunctionOf(keyFn: (row: any) => unknown, keyType: DataType): (row: object) => unknown {
  const schema: StructType = { kind: 'struct', fields: [{ name: 'key', type: keyType, nullable: true }] }
  const encode = compileRowEncoder(schema)
  const fast = fastKeyCheck(keyType)
  return (row) => {
    const key = keyFn(row)
    if (fast(key)) return key
    try {
      return encode([{ key }])[0][0]
    } catch (e) {
      if (!(e instanceof SluiceError)) throw e
      throw new SluiceError(
        'INVALID_ROW',
        `The groupByKey key function returned a value that is not a ${simpleString(keyType)}: ${e.message.replace(/^\[[A-Z_]+\] (Row 0: )?/, '')}`,
      )
    }
  }
}

/** A check that accepts the common atomic keys without the encoder (false: use the encoder). */
function fastKeyCheck(keyType: DataType): (key: unknown) => boolean {
  switch (keyType.kind) {
    case 'string':
      return (k) => typeof k === 'string'
    case 'long':
    case 'timestamp':
      return (k) => typeof k === 'number' && Number.isSafeInteger(k)
    case 'int':
    case 'date':
      return (k) => typeof k === 'number' && Number.isInteger(k) && Math.abs(k) <= 2 ** 31 - 1
    case 'boolean':
      return (k) => typeof k === 'boolean'
    default:
      return () => false
  }
}

/** Decodes the child's rows into the user's objects. */
export function decoderOf(inputSchema: StructType): (row: readonly unknown[]) => object {
  return compileRowDecoder(inputSchema)
}

/** Encodes (and validates) the function's output rows. */
export function encoderOf(spec: GroupsWithStateSpec): (objects: readonly object[]) => RowBatch {
  return outputEncoder(spec.outputSchema)
}

/** Encodes (and validates) output rows of `schema`. */
export function outputEncoder(schema: StructType): (objects: readonly object[]) => RowBatch {
  return compileRowEncoder(schema)
}

/** How a groups-with-state operator routes its input below its exchange (`routeUserRows`). */
export interface UserRowRouting {
  /** Whether rows behind `watermarkMs` are dropped (an event-time timeout or time mode). */
  readonly dropLate: boolean
  readonly eventTime: number
  readonly eventTimeIsWindow: boolean
  readonly watermarkMs: number
  readonly metrics: OperatorBatchMetrics
  readonly decode: (row: unknown[]) => object
  readonly keyOf: (obj: object) => unknown
}

/**
 * Below the exchange of `[flatMap]GroupsWithState`/`transformWithState`: each row as the user's
 * object, routed by its key; with `dropLate`, rows behind the watermark are dropped and counted.
 *
 * @example routeUserRows(rows, how, (key, obj) => bucket(key).push(obj))
 */
export function routeUserRows(
  rows: RowBatch,
  how: UserRowRouting,
  route: (key: [unknown], obj: object) => void,
): void {
  const { dropLate, eventTime, eventTimeIsWindow, watermarkMs, metrics, decode, keyOf } = how
  for (const row of rows) {
    if (dropLate && isBehind(eventTimeOf(row[eventTime], eventTimeIsWindow), watermarkMs)) {
      metrics.numRowsDroppedByWatermark++
      continue
    }
    const obj = decode(row as unknown[])
    route([keyOf(obj)], obj)
  }
}
