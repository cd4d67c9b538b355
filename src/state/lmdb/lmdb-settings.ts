/**
 * The LMDB provider's session settings (`sluice.sql.streaming.stateStore.lmdb.*`, as Spark's
 * `spark.sql.streaming.stateStore.rocksdb.*`): checked when the session is made, then turned into
 * provider options. Each falls back to its environment variable (`SLUICE_STATE_LMDB_DIR`,
 * `SLUICE_STATE_LMDB_REMAP_BYTES`, `SLUICE_STATE_LMDB_MAX_OVERLAY_ENTRIES`), then to its default.
 */
import { SluiceError } from '../../errors.ts'
import type { StateStoreSettings } from '../spi.ts'
import { lmdbLocalDir } from './lmdb-local-store.ts'

/** The setting keys, by the provider option each sets. */
export const LMDB_SETTINGS = Object.freeze({
  /** The folder the local LMDB copies live under (default: the env var, else `<tmp>/sluice-state-lmdb`). */
  localDir: 'sluice.sql.streaming.stateStore.lmdb.localDir',
  /** Unmap a store's folder after each commit once its data file is larger than this many bytes (32 MiB). */
  remapBytes: 'sluice.sql.streaming.stateStore.lmdb.remapBytes',
  /** The most changed keys an open store keeps on the heap before writing them into its folder (50,000). */
  maxOverlayEntries: 'sluice.sql.streaming.stateStore.lmdb.maxOverlayEntries',
})

const PREFIX = 'sluice.sql.streaming.stateStore.lmdb.'
const KEYS: readonly string[] = Object.values(LMDB_SETTINGS)

function wholeNumber(key: string, value: string | number, min: number, what: string): number {
  const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value)
  if (!Number.isSafeInteger(n) || n < min)
    throw new SluiceError('INVALID_ARGUMENT', `'${key}' is '${value}'; it must be a whole number of ${what}.`)
  return n
}

/**
 * Refuses an unknown `sluice.sql.streaming.stateStore.lmdb.*` key or a bad value, naming it.
 *
 * @example checkLmdbSettings({ 'sluice.sql.streaming.stateStore.lmdb.maxOverlayEntries': 0 }) // throws INVALID_ARGUMENT
 */
export function checkLmdbSettings(settings: StateStoreSettings): void {
  for (const key of Object.keys(settings)) {
    if (key.startsWith(PREFIX) && !KEYS.includes(key))
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `Unknown LMDB state store setting '${key}'. Known: ${KEYS.join(', ')}.`,
      )
  }
  lmdbOptionsOf(settings, '.')
}

/**
 * The provider options the settings give for the store whose checkpoint directory is `storeDir`
 * (absent ones left to the environment variables and defaults).
 *
 * @example lmdbOptionsOf({ 'sluice.sql.streaming.stateStore.lmdb.remapBytes': 0 }, dir) // { remapBytes: 0 }
 */
export function lmdbOptionsOf(
  settings: StateStoreSettings | undefined,
  storeDir: string,
): { localDir?: string; remapBytes?: number; maxOverlayEntries?: number } {
  const out: { localDir?: string; remapBytes?: number; maxOverlayEntries?: number } = {}
  const root = settings?.[LMDB_SETTINGS.localDir]
  if (root !== undefined) {
    if (typeof root !== 'string' || root === '')
      throw new SluiceError('INVALID_ARGUMENT', `'${LMDB_SETTINGS.localDir}' must be a folder path.`)
    out.localDir = lmdbLocalDir(storeDir, root)
  }
  const remap = settings?.[LMDB_SETTINGS.remapBytes]
  if (remap !== undefined)
    out.remapBytes = wholeNumber(LMDB_SETTINGS.remapBytes, remap, 0, 'bytes, 0 or more')
  const overlay = settings?.[LMDB_SETTINGS.maxOverlayEntries]
  if (overlay !== undefined)
    out.maxOverlayEntries = wholeNumber(LMDB_SETTINGS.maxOverlayEntries, overlay, 1, 'entries, 1 or more')
  return out
}
