/**
 * The state store providers, by the names `sluice.sql.streaming.stateStore.providerClass` takes
 * (Spark's conf of the same name). A new provider is a folder beside `memory-state-store*.ts` and
 * one line in PROVIDERS (and one in SETTINGS when it takes session settings).
 */
import { SluiceError } from '../errors.ts'
import { checkLmdbSettings, LMDB_SETTINGS, lmdbOptionsOf } from './lmdb/lmdb-settings.ts'
import { LmdbStateStoreProvider } from './lmdb/lmdb-state-store-provider.ts'
import { MemoryStateStoreProvider } from './memory-state-store-provider.ts'
import type { StateStoreProviderFactory, StateStoreSettings } from './spi.ts'

/** The session conf that picks the provider. */
export const STATE_STORE_PROVIDER_CLASS = 'sluice.sql.streaming.stateStore.providerClass'

/** The default: Spark's HDFSBackedStateStoreProvider (in memory, delta and snapshot files). */
export const DEFAULT_STATE_STORE_PROVIDER = 'memory'

const PROVIDERS: Readonly<Record<string, StateStoreProviderFactory>> = {
  memory: (o) => new MemoryStateStoreProvider(o),
  lmdb: (o) => new LmdbStateStoreProvider({ ...o, ...lmdbOptionsOf(o.settings, o.dir) }),
}

/** Each provider's settings (`sluice.sql.streaming.stateStore.<provider>.<name>`) and its check of them. */
const SETTINGS: readonly { readonly keys: readonly string[]; check(s: StateStoreSettings): void }[] = [
  { keys: Object.values(LMDB_SETTINGS), check: checkLmdbSettings },
]

/** The session conf keys of every provider's settings. */
export const STATE_STORE_SETTING_KEYS: readonly string[] = SETTINGS.flatMap((p) => p.keys)

/**
 * The provider settings among a session's conf, checked by every provider (an unknown key or a bad
 * value is an INVALID_ARGUMENT naming it).
 *
 * @example stateStoreSettingsOf({ 'sluice.sql.streaming.stateStore.lmdb.maxOverlayEntries': 10000 })
 */
export function stateStoreSettingsOf(conf: Readonly<Record<string, unknown>>): StateStoreSettings {
  const settings: Record<string, string | number> = {}
  for (const [key, value] of Object.entries(conf)) {
    if (!STATE_STORE_SETTING_KEYS.includes(key) || value === undefined) continue
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `'${key}' must be a string or a number, but is ${typeof value}.`,
      )
    settings[key] = value
  }
  for (const p of SETTINGS) p.check(settings)
  return Object.freeze(settings)
}

/** Spark's class names for the providers Sluice has. */
const ALIASES: Readonly<Record<string, string>> = {
  'org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider': 'memory',
  // Spark's disk-backed provider; Sluice's disk-backed one is LMDB.
  'org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider': 'lmdb',
  LmdbStateStoreProvider: 'lmdb',
}

/**
 * The factory of the provider named `name` (a PROVIDERS name or a Spark class name).
 *
 * @example stateStoreProviderFactory('memory')({ id, dir, fs, minBatchesToRetain: 100 })
 */
export function stateStoreProviderFactory(name: string): StateStoreProviderFactory {
  const factory = PROVIDERS[ALIASES[name] ?? name]
  if (factory === undefined || !Object.hasOwn(PROVIDERS, ALIASES[name] ?? name)) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `'${STATE_STORE_PROVIDER_CLASS}' is '${name}', which is not a state store provider. Known providers: ${[...Object.keys(PROVIDERS), ...Object.keys(ALIASES)].join(', ')}.`,
    )
  }
  return factory
}
