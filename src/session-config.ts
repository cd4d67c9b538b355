/**
 * The session's configuration: `SluiceConfig` (every key `Sluice.local` takes, by Spark's names where
 * Spark has one), the check of its keys, and the checked settings the session is built from.
 */
import { invalidArgument } from './errors.ts'
import type { Clock } from './io/clock.ts'
import {
  type FilePermissions,
  type FileSystem,
  localFileSystem,
  nodeFileSystem,
  withoutFsync,
} from './io/fs.ts'
import { parseInterval } from './plan/sql/interval.ts'
import type { SinkRetryConfig } from './runtime/sink-retry.ts'
import {
  DEFAULT_STATE_STORE_PROVIDER,
  STATE_STORE_PROVIDER_CLASS,
  STATE_STORE_SETTING_KEYS,
  stateStoreProviderFactory,
  stateStoreSettingsOf,
} from './state/provider-registry.ts'
import type { ObservabilityConfig } from './ui/observability.ts'

/** The stateful-streaming settings, checked. */
export function statefulConf(config: SluiceConfig) {
  const partitions = config['sluice.sql.shuffle.partitions'] ?? 8
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > 10_000) {
    throw invalidArgument(
      `'sluice.sql.shuffle.partitions' must be an integer from 1 to 10000, but is ${partitions}.`,
    )
  }
  const policy = config['sluice.sql.streaming.multipleWatermarkPolicy'] ?? 'min'
  if (policy !== 'min' && policy !== 'max') {
    throw invalidArgument(
      `'sluice.sql.streaming.multipleWatermarkPolicy' must be 'min' or 'max', but is '${policy}'.`,
    )
  }
  const providerClass = config[STATE_STORE_PROVIDER_CLASS] ?? DEFAULT_STATE_STORE_PROVIDER
  stateStoreProviderFactory(providerClass)
  return {
    shufflePartitions: partitions,
    watermarkPolicy: policy,
    noDataMicroBatches: config['sluice.sql.streaming.noDataMicroBatches.enabled'] ?? true,
    maintenanceIntervalMs: parseInterval(
      config['sluice.sql.streaming.stateStore.maintenanceInterval'] ?? '60 seconds',
    ),
    stateStoreProviderClass: providerClass,
    acceptExpressionChanges: config['sluice.sql.streaming.stateStore.acceptExpressionChanges'] ?? false,
    stateStoreSettings: stateStoreSettingsOf(config as Readonly<Record<string, unknown>>),
  } as const
}

/** Session settings, by Spark's key names where Spark has one (`sluice.ui.*`, `sluice.log.level`: see ObservabilityConfig). */
export interface SluiceConfig extends ObservabilityConfig, SinkRetryConfig {
  /** Time zone for parsing/formatting timestamps and for date functions (default: the process's zone, as Spark uses the JVM's). */
  readonly 'sluice.sql.session.timeZone'?: string
  /** Where show(), printSchema() and explain() print (default: console.log). */
  readonly output?: (text: string) => void
  /** Processing-time source (default: the system clock); tests inject a manual clock. */
  readonly clock?: Clock
  /** Root folder for checkpoints of queries started without a `checkpointLocation` option. */
  readonly 'sluice.sql.streaming.checkpointLocation'?: string
  /** Offsets/commits entries kept in a checkpoint (Spark's minBatchesToRetain, default 100). */
  readonly 'sluice.sql.streaming.minBatchesToRetain'?: number
  /**
   * How many batches' progress a query keeps in its checkpoint (`<checkpoint>/progress/`), for
   * `sluice ui --checkpoint` (Spark's numRecentProgressUpdates, default 100; 0 keeps none).
   */
  readonly 'sluice.sql.streaming.numRecentProgressUpdates'?: number
  /** How long an idle query waits before polling its sources again (default '10ms'). */
  readonly 'sluice.sql.streaming.pollingDelay'?: string
  /** Stop running queries gracefully on SIGTERM/SIGINT, committing the batch in flight (default true). */
  readonly 'sluice.streaming.stopOnSignal'?: boolean
  /**
   * State partitions of each stateful operator (default 8: enough to spread state over a few
   * workers later, few enough that one process commits them quickly). Fixed in the checkpoint at a
   * query's first start; later starts use the checkpoint's value, as Spark.
   */
  readonly 'sluice.sql.shuffle.partitions'?: number
  /** How several watermarks combine: 'min' (default, safe) or 'max'; fixed in the checkpoint. */
  readonly 'sluice.sql.streaming.multipleWatermarkPolicy'?: 'min' | 'max'
  /** Run batches without new data when the watermark lets an operator emit or evict (default true). */
  readonly 'sluice.sql.streaming.noDataMicroBatches.enabled'?: boolean
  /** How often state stores snapshot and delete old versions, between batches (default '60 seconds'). */
  readonly 'sluice.sql.streaming.stateStore.maintenanceInterval'?: string
  /**
   * Modes of the checkpoint, state and file-sink files Sluice creates: 'owner' (default: 0600 files,
   * 0700 folders) or 'default' (0666/0777 less the process umask, for output other users read).
   */
  readonly 'sluice.files.permissions'?: FilePermissions
  /**
   * Whether files Sluice commits (checkpoint logs, state files, file sink output) are fsynced, with
   * their folder, before the batch goes on (default true). false is what Spark does on a local disk:
   * every write is still a temp file renamed into place, so a killed process loses nothing and never
   * leaves half a file, but an OS crash or power cut may lose the last batches' files (a cut file is
   * refused at restart as CHECKPOINT_CORRUPT). It saves about four fsyncs a batch.
   * @example Sluice.local({ 'sluice.files.fsync': false })
   */
  readonly 'sluice.files.fsync'?: boolean
  /**
   * The state store provider (Spark's conf of the same name): `memory` (the default; Spark's
   * `org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider` is the same).
   */
  readonly 'sluice.sql.streaming.stateStore.providerClass'?: string
  /**
   * Beyond Spark: run a restarted query on state whose stateful operators' expressions changed
   * (another grouping expression, aggregate argument, dedup key or join key of the same type), which
   * is otherwise refused with STATE_SCHEMA_INCOMPATIBLE because old and new results would mix.
   * Default false. Set it for the one start that deploys a change you know is safe (e.g. a renamed
   * column); that start records the new expressions.
   * @example Sluice.local({ 'sluice.sql.streaming.stateStore.acceptExpressionChanges': true })
   */
  readonly 'sluice.sql.streaming.stateStore.acceptExpressionChanges'?: boolean
  /**
   * LMDB provider: the folder its local copies of the state live under (default: env
   * `SLUICE_STATE_LMDB_DIR`, else `<tmp>/sluice-state-lmdb`). The checkpoint stays the source of
   * truth: a copy that is missing or from another folder is rebuilt from it.
   * @example Sluice.local({ 'sluice.sql.streaming.stateStore.lmdb.localDir': '/var/lib/app/state' })
   */
  readonly 'sluice.sql.streaming.stateStore.lmdb.localDir'?: string
  /**
   * LMDB provider: a store whose data file is larger than this many bytes unmaps and maps its folder
   * again after each commit, load and snapshot part, so the pages it touched leave the process's RSS
   * (default: env `SLUICE_STATE_LMDB_REMAP_BYTES`, else 32 MiB; 0: after every commit).
   * @example Sluice.local({ 'sluice.sql.streaming.stateStore.lmdb.remapBytes': 64 * 2 ** 20 })
   */
  readonly 'sluice.sql.streaming.stateStore.lmdb.remapBytes'?: number
  /**
   * LMDB provider: the most changed keys an open store keeps on the heap before writing them into its
   * folder ahead of the commit, as Spark's RocksDB write buffer (default: env
   * `SLUICE_STATE_LMDB_MAX_OVERLAY_ENTRIES`, else 50,000).
   * @example Sluice.local({ 'sluice.sql.streaming.stateStore.lmdb.maxOverlayEntries': 20000 })
   */
  readonly 'sluice.sql.streaming.stateStore.lmdb.maxOverlayEntries'?: number
  /**
   * The worker threads a query's file sources decode on (default 1: every read on the main thread;
   * two threads were measured slower on Nexmark q0-q2, see README "Threads"). Closed by `sluice.stop()`.
   * @example Sluice.local({ 'sluice.executor.threads': 2 })
   */
  readonly 'sluice.executor.threads'?: number
  /**
   * The fewest bytes a batch's input must hold to be decoded on the worker threads (default 1 MiB,
   * measured): smaller batches stay on the main thread, where threads would cost more than they give.
   * @example Sluice.local({ 'sluice.executor.parallelReadMinBytes': 0 })
   */
  readonly 'sluice.executor.parallelReadMinBytes'?: number
}

export const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'sluice.sql.session.timeZone',
  'output',
  'clock',
  'sluice.sql.streaming.checkpointLocation',
  'sluice.sql.streaming.minBatchesToRetain',
  'sluice.sql.streaming.numRecentProgressUpdates',
  'sluice.sql.streaming.pollingDelay',
  'sluice.streaming.stopOnSignal',
  'sluice.sql.shuffle.partitions',
  'sluice.sql.streaming.multipleWatermarkPolicy',
  'sluice.sql.streaming.noDataMicroBatches.enabled',
  'sluice.sql.streaming.stateStore.maintenanceInterval',
  'sluice.ui.enabled',
  'sluice.ui.port',
  'sluice.ui.host',
  'sluice.log.level',
  'logDestination',
  'sluice.files.permissions',
  'sluice.files.fsync',
  STATE_STORE_PROVIDER_CLASS,
  'sluice.sql.streaming.stateStore.acceptExpressionChanges',
  'sluice.sql.streaming.sink.maxRetries',
  'sluice.sql.streaming.sink.retryBackoff',
  'sluice.sql.streaming.sink.maxRetryBackoff',
  'sluice.sql.streaming.sink.retryOn',
  'sluice.executor.threads',
  'sluice.executor.parallelReadMinBytes',
  ...STATE_STORE_SETTING_KEYS,
])

export function progressToRetain(config: SluiceConfig): number {
  const n = config['sluice.sql.streaming.numRecentProgressUpdates'] ?? 100
  if (!Number.isSafeInteger(n) || n < 0)
    throw invalidArgument(
      `'sluice.sql.streaming.numRecentProgressUpdates' must be a whole number >= 0 (0 keeps no progress in checkpoints), but is ${n}.`,
    )
  return n
}

export function fileSystemOf(config: SluiceConfig): FileSystem {
  const permissions = config['sluice.files.permissions'] ?? 'owner'
  if (permissions !== 'owner' && permissions !== 'default') {
    throw invalidArgument(
      `'sluice.files.permissions' must be 'owner' or 'default', but is '${String(permissions)}'.`,
    )
  }
  const fsync = config['sluice.files.fsync'] ?? true
  if (typeof fsync !== 'boolean')
    throw invalidArgument(`'sluice.files.fsync' must be true or false, but is '${String(fsync)}'.`)
  const fs = permissions === 'owner' ? nodeFileSystem : localFileSystem(permissions)
  return fsync ? fs : withoutFsync(fs)
}
