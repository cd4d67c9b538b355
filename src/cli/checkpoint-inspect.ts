/**
 * `sluice checkpoint inspect|offsets <dir>`: what a checkpoint holds, read without changing it
 * (no lock taken, nothing created): the query id, the batches in the offsets and commits logs,
 * each source's offsets, the watermark, the state operators and the late/dead-letter outputs.
 */
import { join } from 'node:path'
import { type CommitLogEntry, commitLogCodec } from '../checkpoint/commit-log-codec.ts'
import { FileMetadataLog } from '../checkpoint/file-metadata-log.ts'
import {
  batchIdOfFile,
  commitsDir,
  metadataPath,
  offsetsDir,
  progressDir,
  stateMetadataPath,
} from '../checkpoint/layout.ts'
import { type OffsetLogEntry, offsetLogCodec } from '../checkpoint/offset-log-codec.ts'
import { progressLogCodec } from '../checkpoint/progress-log-codec.ts'
import { queryMetadataCodec } from '../checkpoint/query-metadata-codec.ts'
import { decodeVersionedFile } from '../checkpoint/versioned-file.ts'
import { SluiceError } from '../errors.ts'
import type { FileSystem } from '../io/fs.ts'
import { simpleString } from '../schema/data-type.ts'
import { readStateSchemaMetadata } from '../state/state-schema-metadata.ts'

/** One stateful operator's folder `C/state/<operatorId>`. */
export interface StateOperatorSummary {
  readonly operatorId: number
  readonly operatorKind: string
  readonly numPartitions: number
  readonly stores: readonly { readonly storeName: string; readonly key: string; readonly value: string }[]
  /** The newest state version on disk over all partitions (= the last committed batch id + 1). */
  readonly latestVersion: number | null
}

/** What `sluice checkpoint inspect` reports. */
export interface CheckpointSummary {
  readonly path: string
  readonly queryId: string | null
  readonly createdAt: string | null
  readonly conf: Readonly<Record<string, string>>
  readonly offsetBatches: readonly number[]
  readonly commitBatches: readonly number[]
  /** The batches whose progress the checkpoint keeps (`progress/`, for `sluice ui --checkpoint`). */
  readonly progressBatches: readonly number[]
  readonly lastCommittedBatch: number | null
  /** Planned (offsets written) but not committed: rerun at the next start. */
  readonly pendingBatch: number | null
  /** The last offsets entry's end offset per source id. */
  readonly latestOffsets: Readonly<Record<string, string | null>>
  /** The watermark the next batch runs with (from the last commit), ISO-8601. */
  readonly watermark: string | null
  readonly stateOperators: readonly StateOperatorSummary[]
  /** Late-row and dead-letter outputs: name -> batches that wrote some. */
  readonly sideOutputs: readonly { readonly kind: string; readonly name: string; readonly batches: number }[]
}

const iso = (ms: number) => new Date(ms).toISOString()

async function requireCheckpoint(fs: FileSystem, dir: string): Promise<void> {
  if (!(await fs.exists(metadataPath(dir))) && !(await fs.exists(offsetsDir(dir))))
    throw new SluiceError(
      'PATH_NOT_FOUND',
      `'${dir}' is not a Sluice checkpoint (it has no metadata file and no offsets folder). Pass the folder a query's checkpointLocation named.`,
    )
}

async function stateOperators(fs: FileSystem, dir: string): Promise<StateOperatorSummary[]> {
  const out: StateOperatorSummary[] = []
  const ids = (await fs.list(join(dir, 'state'))).map(Number).filter(Number.isSafeInteger)
  for (const operatorId of ids.sort((a, b) => a - b)) {
    const meta = await readStateSchemaMetadata(fs, stateMetadataPath(dir, operatorId))
    let latest: number | null = null
    for (const part of (await fs.list(join(dir, 'state', String(operatorId)))).filter((n) => /^\d+$/.test(n)))
      for (const file of await fs.list(join(dir, 'state', String(operatorId), part))) {
        const v = batchIdOfFile(file.replace(/\.(delta|snapshot)$/, ''))
        if (v !== undefined && /\.(delta|snapshot)$/.test(file)) latest = Math.max(latest ?? 0, v)
      }
    out.push({
      operatorId,
      operatorKind: meta?.operatorKind ?? 'unknown',
      numPartitions: meta?.numPartitions ?? 0,
      stores: (meta?.stores ?? []).map((s) => ({
        storeName: s.storeName,
        key: simpleString(s.keySchema),
        value: simpleString(s.valueSchema),
      })),
      latestVersion: latest,
    })
  }
  return out
}

async function sideOutputs(fs: FileSystem, dir: string) {
  const out: { kind: string; name: string; batches: number }[] = []
  for (const kind of ['late', 'dead-letter'])
    for (const name of await fs.list(join(dir, kind))) {
      const files = await fs.list(join(dir, kind, name))
      out.push({ kind, name, batches: files.filter((f) => batchIdOfFile(f) !== undefined).length })
    }
  return out
}

/**
 * Reads what a checkpoint holds.
 * @example const s = await inspectCheckpoint(nodeFileSystem, 'ckpt/top-bids'); s.lastCommittedBatch
 */
export async function inspectCheckpoint(fs: FileSystem, dir: string): Promise<CheckpointSummary> {
  await requireCheckpoint(fs, dir)
  const metaBytes = await fs.readFile(metadataPath(dir))
  const meta =
    metaBytes === undefined
      ? undefined
      : decodeVersionedFile(metadataPath(dir), metaBytes, queryMetadataCodec)
  const offsets = new FileMetadataLog<OffsetLogEntry>(fs, offsetsDir(dir), offsetLogCodec)
  const commits = new FileMetadataLog<CommitLogEntry>(fs, commitsDir(dir), commitLogCodec)
  const offsetBatches = await offsets.listBatchIds()
  const commitBatches = await commits.listBatchIds()
  const lastOffsets = await offsets.getLatest()
  const lastCommit = await commits.getLatest()
  const pending =
    lastOffsets !== undefined && lastOffsets.batchId !== lastCommit?.batchId ? lastOffsets.batchId : null
  return Object.freeze({
    path: dir,
    queryId: meta?.id ?? null,
    createdAt: meta === undefined ? null : iso(meta.createdAtMs),
    conf: meta?.conf ?? {},
    offsetBatches,
    commitBatches,
    progressBatches: await new FileMetadataLog(fs, progressDir(dir), progressLogCodec).listBatchIds(),
    lastCommittedBatch: lastCommit?.batchId ?? null,
    pendingBatch: pending,
    latestOffsets: lastOffsets?.entry.offsets ?? {},
    watermark: lastCommit === undefined ? null : iso(lastCommit.entry.nextBatchWatermarkMs),
    stateOperators: await stateOperators(fs, dir),
    sideOutputs: await sideOutputs(fs, dir),
  })
}

/** One batch of `sluice checkpoint offsets`. */
export interface BatchOffsets {
  readonly batchId: number
  readonly committed: boolean
  readonly batchTimestamp: string
  readonly batchWatermark: string
  readonly offsets: Readonly<Record<string, string | null>>
}

/**
 * Every batch still in the offsets log, with its end offset per source.
 * @example for (const b of await checkpointOffsets(nodeFileSystem, 'ckpt')) console.log(b.batchId, b.offsets)
 */
export async function checkpointOffsets(fs: FileSystem, dir: string): Promise<BatchOffsets[]> {
  await requireCheckpoint(fs, dir)
  const offsets = new FileMetadataLog<OffsetLogEntry>(fs, offsetsDir(dir), offsetLogCodec)
  const committed = new Set(await new FileMetadataLog(fs, commitsDir(dir), commitLogCodec).listBatchIds())
  return (await offsets.getRange()).map(({ batchId, entry }) =>
    Object.freeze({
      batchId,
      committed: committed.has(batchId),
      batchTimestamp: iso(entry.batchTimestampMs),
      batchWatermark: iso(entry.batchWatermarkMs),
      offsets: entry.offsets,
    }),
  )
}

const range = (ids: readonly number[]) =>
  ids.length === 0 ? 'none' : `${ids.length} (${ids[0]}..${ids[ids.length - 1]})`

/** The text `sluice checkpoint inspect` prints. @example formatSummary(await inspectCheckpoint(fs, dir)) */
export function formatSummary(s: CheckpointSummary): string[] {
  const lines = [
    `checkpoint   ${s.path}`,
    `query id     ${s.queryId ?? '(no metadata yet)'}`,
    `created      ${s.createdAt ?? '-'}`,
    `offsets log  ${range(s.offsetBatches)}`,
    `commits log  ${range(s.commitBatches)}`,
    `progress     ${range(s.progressBatches)}`,
    `last commit  ${s.lastCommittedBatch ?? '-'}${s.pendingBatch === null ? '' : `  (batch ${s.pendingBatch} planned, not committed: rerun at the next start)`}`,
    `watermark    ${s.watermark === null || s.watermark === iso(0) ? 'none (no event-time watermark yet)' : s.watermark}`,
    'offsets (latest batch):',
    ...Object.entries(s.latestOffsets).map(([id, o]) => `  ${id}: ${o ?? 'null'}`),
    `state operators: ${s.stateOperators.length === 0 ? 'none' : ''}`,
  ]
  for (const op of s.stateOperators) {
    lines.push(
      `  ${op.operatorId}: ${op.operatorKind}, ${op.numPartitions} partitions, latest version ${op.latestVersion ?? '-'}`,
    )
    for (const st of op.stores) lines.push(`     store ${st.storeName}: key ${st.key}, value ${st.value}`)
  }
  for (const o of s.sideOutputs) lines.push(`${o.kind} output ${o.name}: ${o.batches} batches with rows`)
  for (const [k, v] of Object.entries(s.conf)) lines.push(`conf ${k}=${v}`)
  return lines
}
