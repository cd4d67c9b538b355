/**
 * The state variables and timers of `transformWithState`, over the operator's stores. Each
 * variable is its own store, named after it:
 *
 * - value `v`: [group key] -> [value row, expiresAt]
 * - list `l`:  [group key, seq] -> [value row, expiresAt], and [group key, -1] -> [null, next seq]
 *   (an append writes one entry)
 * - map `m`:   [group key, map key] -> [value row, expiresAt] (a put writes one entry)
 * - `$timers` [time, group key] -> [] ordered by time; `$timersByKey` [group key, time] -> []
 *
 * `expiresAt` is -1 without a TTL; with one, it is the batch's processing time plus the TTL at the
 * last write, an expired entry reads as absent and is removed at the end of the batch.
 */
import { invalidArgument, SluiceError } from '../../errors.ts'
import type { StatefulProcessorHandle, TimeMode, TTLConfig } from '../../plan/stateful-processor.ts'
import { type DataType, field, type StructType, simpleString, structOf, t } from '../../schema/data-type.ts'
import { compileRowDecoder, compileRowEncoder } from '../../schema/row-codec.ts'
import type { StateStoreSchema } from '../../state/state-schema-metadata.ts'
import type { PartitionContext } from '../stateful.ts'

export const TIMERS = '$timers'
export const TIMERS_BY_KEY = '$timersByKey'

/** A state variable as `init` declared it. */
export interface StateVariableDecl {
  readonly name: string
  readonly kind: 'value' | 'list' | 'map'
  readonly schema: StructType
  readonly mapKeyType?: DataType
  readonly ttlMs?: number
}

/** The stores of a processor's variables and timers. */
export function processorStores(keyType: DataType, vars: readonly StateVariableDecl[]): StateStoreSchema[] {
  const value = (s: StructType) => structOf([field('value', s, true), field('expiresAt', t.long(), false)])
  const stores: StateStoreSchema[] = vars.map((v) => ({
    storeName: v.name,
    keySchema: structOf([
      field('key', keyType, true),
      ...(v.kind === 'list' ? [field('seq', t.long(), false)] : []),
      ...(v.kind === 'map' ? [field('mapKey', v.mapKeyType ?? t.string(), true)] : []),
    ]),
    valueSchema: value(v.schema),
  }))
  const timer = (a: string, b: string, ta: DataType, tb: DataType) =>
    structOf([field(a, ta, a === 'key'), field(b, tb, b === 'key')])
  stores.push(
    { storeName: TIMERS, keySchema: timer('expiryMs', 'key', t.long(), keyType), valueSchema: structOf([]) },
    {
      storeName: TIMERS_BY_KEY,
      keySchema: timer('key', 'expiryMs', keyType, t.long()),
      valueSchema: structOf([]),
    },
  )
  return stores
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Spark's STATEFUL_PROCESSOR_INCORRECT_TIME_MODE_TO_ASSIGN_TTL: a TTL counts processing time, so
 * only a processor in ProcessingTime mode may give one.
 */
function checkTtlTimeMode(name: string, ttl: TTLConfig | undefined, timeMode: TimeMode): void {
  if (ttl === undefined || timeMode === 'ProcessingTime') return
  throw new SluiceError(
    'UNSUPPORTED_OPERATION',
    `Cannot use TTL for state=${name} in timeMode=${timeMode}, use timeMode 'ProcessingTime' instead (Spark's STATEFUL_PROCESSOR_INCORRECT_TIME_MODE_TO_ASSIGN_TTL).`,
  )
}

/** Spark's STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_TIME_MODE for timers without a time mode. */
function checkTimerTimeMode(operation: string, timeMode: TimeMode): void {
  if (timeMode !== 'None') return
  throw new SluiceError(
    'UNSUPPORTED_OPERATION',
    `Failed to perform stateful processor operation=${operation} with invalid timeMode=None: timers need transformWithState's timeMode 'ProcessingTime' or 'EventTime' (Spark's STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_TIME_MODE).`,
  )
}

/** A handle that only records the variables `init` declares (at plan time). */
export function declaringHandle(out: StateVariableDecl[], timeMode: TimeMode): StatefulProcessorHandle {
  const add = (
    name: string,
    kind: StateVariableDecl['kind'],
    schema: StructType,
    ttl?: TTLConfig,
    k?: DataType,
  ) => {
    if (!NAME.test(name))
      throw invalidArgument(
        `transformWithState: the state variable name '${name}' must be letters, digits and _.`,
      )
    if (out.some((v) => v.name === name))
      throw invalidArgument(`transformWithState: the state variable '${name}' is declared twice in init().`)
    if (schema?.kind !== 'struct')
      throw invalidArgument(`transformWithState: the schema of '${name}' must be a t.struct.`)
    if (ttl !== undefined && !(ttl.ttlDurationMs > 0))
      throw invalidArgument(`transformWithState: the TTL of '${name}' must be a positive duration.`)
    checkTtlTimeMode(name, ttl, timeMode)
    out.push(
      Object.freeze({
        name,
        kind,
        schema,
        ...(k === undefined ? {} : { mapKeyType: k }),
        ...(ttl === undefined ? {} : { ttlMs: ttl.ttlDurationMs }),
      }),
    )
    return undefined as never
  }
  const noTimers = () => {
    throw invalidArgument(
      'transformWithState: timers can only be used in handleInputRows/handleExpiredTimer.',
    )
  }
  return {
    getValueState: (name, schema, ttl) => add(name, 'value', schema, ttl),
    getListState: (name, schema, ttl) => add(name, 'list', schema, ttl),
    getMapState: (name, keyType, schema, ttl) => add(name, 'map', schema, ttl, keyType),
    registerTimer: noTimers,
    deleteTimer: noTimers,
    listTimers: noTimers,
  }
}

/** Counters of one batch (Spark's transformWithState custom metrics). */
export interface ProcessorCounters {
  numRegisteredTimers: number
  numDeletedTimers: number
  numValuesRemovedDueToTTLExpiry: number
}

type Entry = readonly [readonly unknown[] | null, number]

function padded(row: readonly unknown[], width: number): readonly unknown[] {
  return row.length >= width ? row : [...row, ...new Array(width - row.length).fill(null)]
}

/** The live handle of one partition in one batch; `key` is the group being called. */
export class LiveHandle implements StatefulProcessorHandle {
  key: unknown = null
  readonly #pc: PartitionContext
  readonly #vars: ReadonlyMap<string, StateVariableDecl>
  readonly #counters: ProcessorCounters
  readonly #timeMode: TimeMode

  constructor(
    pc: PartitionContext,
    vars: readonly StateVariableDecl[],
    opts: { readonly counters: ProcessorCounters; readonly timeMode: TimeMode },
  ) {
    this.#pc = pc
    this.#vars = new Map(vars.map((v) => [v.name, v]))
    this.#counters = opts.counters
    this.#timeMode = opts.timeMode
  }

  #decl(name: string, kind: StateVariableDecl['kind']): StateVariableDecl {
    const v = this.#vars.get(name)
    if (v === undefined || v.kind !== kind)
      throw new SluiceError(
        'STATE_SCHEMA_INCOMPATIBLE',
        `transformWithState: init() asked for the ${kind} state '${name}', which the query was not planned with; declare the same variables on every init().`,
      )
    return v
  }

  #codec(v: StateVariableDecl) {
    const enc = compileRowEncoder(v.schema)
    const dec = compileRowDecoder(v.schema)
    const now = this.#pc.batchTimestampMs
    return {
      store: this.#pc.store(v.name),
      live: (e: Entry | undefined): e is Entry =>
        e !== undefined && e[0] !== null && (e[1] < 0 || e[1] > now),
      // A row written before nullable fields were added (an allowed evolution) reads them as null.
      decode: (e: Entry) => dec(padded(e[0] as unknown[], v.schema.fields.length)) as any,
      encode: (value: unknown): Entry => {
        try {
          return [enc([value as object])[0], v.ttlMs === undefined ? -1 : now + v.ttlMs]
        } catch (err) {
          if (!(err instanceof SluiceError)) throw err
          throw new SluiceError(
            'INVALID_ROW',
            `State variable '${v.name}': the value does not match its schema ${simpleString(v.schema)}: ${err.message.replace(/^\[[A-Z_]+\] (Row 0: )?/, '')}`,
          )
        }
      },
    }
  }

  getValueState(name: string): any {
    const c = this.#codec(this.#decl(name, 'value'))
    const k = () => [this.key]
    return {
      exists: () => c.live(c.store.get(k()) as Entry | undefined),
      get: () => {
        const e = c.store.get(k()) as Entry | undefined
        return c.live(e) ? c.decode(e) : undefined
      },
      update: (value: unknown) => c.store.put(k(), c.encode(value)),
      clear: () => c.store.remove(k()),
    }
  }

  getListState(name: string): any {
    const c = this.#codec(this.#decl(name, 'list'))
    const entries = () =>
      [...c.store.prefixScan([this.key])]
        .filter((e) => (e.key[1] as number) >= 0)
        .sort((a, b) => (a.key[1] as number) - (b.key[1] as number))
    const append = (values: readonly unknown[]) => {
      const meta = c.store.get([this.key, -1]) as Entry | undefined
      let next = meta === undefined ? 0 : meta[1]
      for (const v of values) c.store.put([this.key, next++], c.encode(v))
      c.store.put([this.key, -1], [null, next])
    }
    const clear = () => {
      for (const e of [...c.store.prefixScan([this.key])]) c.store.remove(e.key)
    }
    const get = () => entries().flatMap((e) => (c.live(e.value as Entry) ? [c.decode(e.value as Entry)] : []))
    return {
      exists: () => get().length > 0,
      get,
      put: (values: readonly unknown[]) => {
        clear()
        append(values)
      },
      appendValue: (v: unknown) => append([v]),
      appendList: append,
      clear,
    }
  }

  getMapState(name: string): any {
    const c = this.#codec(this.#decl(name, 'map'))
    const live = () =>
      [...c.store.prefixScan([this.key])].flatMap((e) =>
        c.live(e.value as Entry) ? [[e.key[1], c.decode(e.value as Entry)] as [unknown, unknown]] : [],
      )
    const getValue = (mk: unknown) => {
      const e = c.store.get([this.key, mk]) as Entry | undefined
      return c.live(e) ? c.decode(e) : undefined
    }
    return {
      exists: () => live().length > 0,
      getValue,
      containsKey: (mk: unknown) => getValue(mk) !== undefined,
      updateValue: (mk: unknown, v: unknown) => c.store.put([this.key, mk], c.encode(v)),
      iterator: () => live()[Symbol.iterator](),
      keys: () => live().map((e) => e[0]),
      values: () => live().map((e) => e[1]),
      removeKey: (mk: unknown) => c.store.remove([this.key, mk]),
      clear: () => {
        for (const e of [...c.store.prefixScan([this.key])]) c.store.remove(e.key)
      },
    }
  }

  registerTimer(expiryMs: number): void {
    checkTimerTimeMode('registerTimer', this.#timeMode)
    if (!Number.isFinite(expiryMs)) throw invalidArgument(`registerTimer: ${expiryMs} is not a time in ms.`)
    if (this.#pc.store(TIMERS_BY_KEY).get([this.key, expiryMs]) !== undefined) return
    this.#pc.store(TIMERS).put([expiryMs, this.key], [])
    this.#pc.store(TIMERS_BY_KEY).put([this.key, expiryMs], [])
    this.#counters.numRegisteredTimers++
  }

  deleteTimer(expiryMs: number): void {
    checkTimerTimeMode('deleteTimer', this.#timeMode)
    if (this.#pc.store(TIMERS_BY_KEY).get([this.key, expiryMs]) === undefined) return
    this.#pc.store(TIMERS).remove([expiryMs, this.key])
    this.#pc.store(TIMERS_BY_KEY).remove([this.key, expiryMs])
    this.#counters.numDeletedTimers++
  }

  listTimers(): number[] {
    checkTimerTimeMode('listTimers', this.#timeMode)
    return [...this.#pc.store(TIMERS_BY_KEY).prefixScan([this.key])]
      .map((e) => e.key[1] as number)
      .sort((a, b) => a - b)
  }

  /** Removes the entries whose TTL has passed (end of the batch); returns how many. */
  removeExpired(): number {
    const now = this.#pc.batchTimestampMs
    let removed = 0
    for (const v of this.#vars.values()) {
      if (v.ttlMs === undefined) continue
      const store = this.#pc.store(v.name)
      for (const e of [...store.iterator()]) {
        const [row, at] = e.value as Entry
        if (row !== null && at >= 0 && at <= now) {
          store.remove(e.key)
          removed++
        }
      }
    }
    this.#counters.numValuesRemovedDueToTTLExpiry += removed
    return removed
  }
}
