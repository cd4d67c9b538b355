/**
 * The state store providers, by the names `sluice.sql.streaming.stateStore.providerClass` takes
 * (Spark's conf of the same name). A new provider is a folder beside `memory-state-store*.ts` and
 * one line in PROVIDERS.
 */
import { SluiceError } from '../errors.ts'
import { LmdbStateStoreProvider } from './lmdb/lmdb-state-store-provider.ts'
import { MemoryStateStoreProvider } from './memory-state-store-provider.ts'
import type { StateStoreProviderFactory } from './spi.ts'

/** The session conf that picks the provider. */
export const STATE_STORE_PROVIDER_CLASS = 'sluice.sql.streaming.stateStore.providerClass'

/** The default: Spark's HDFSBackedStateStoreProvider (in memory, delta and snapshot files). */
export const DEFAULT_STATE_STORE_PROVIDER = 'memory'

const PROVIDERS: Readonly<Record<string, StateStoreProviderFactory>> = {
  memory: (o) => new MemoryStateStoreProvider(o),
  lmdb: (o) => new LmdbStateStoreProvider(o),
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
