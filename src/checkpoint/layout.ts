/**
 * The checkpoint layout: the one place that says where each file lives (shared/DESIGN.md §3).
 *
 * ```
 * C/metadata                            query id (stable across restarts), creation time, fixed confs
 * C/offsets/<batchId>                   v1, batch metadata, end offset per source id (write-ahead)
 * C/commits/<batchId>                   v1, next batch watermark (the batch is done once this exists)
 * C/sources/<sourceId>/...              source-private logs (file source: files seen)
 * C/state/<operatorId>/<partition>/...  versioned state store files
 * C/state/<operatorId>/_metadata        operator kind + state schema, checked on restart
 * C/late/<name>/_metadata               schema of the late-rows output `name` (beyond Spark)
 * C/late/<name>/<batchId>               the late rows batch N dropped (only batches that had some)
 * C/dead-letter/<name>/...              the same for a dead-letter output (records a source could not read)
 * C/progress/<batchId>                  v2, the batch's progress JSON, for the last N batches (the UI's history)
 * C/lock                                owner and heartbeat of the one query running on C
 * C/lock.takeover-<token>               claim of the one process taking over a stale lock (transient)
 * C/lock.stale-<token>                  a stale lock moved aside during a takeover (transient)
 * ```
 *
 * Batch files are named by the batch id in plain decimal (`0`, `1`, ..., no leading zeros); any other
 * name in `offsets/` or `commits/` is not a batch file and is ignored, as Spark ignores it.
 */
import { join } from 'node:path'
import { invalidArgument } from '../errors.ts'
import { checkDeadLetterName, checkFolderName, checkLateRowsName } from '../util/folder-name.ts'

const BATCH_FILE = /^(?:0|[1-9][0-9]*)$/

/**
 * Throws unless `batchId` is a batch id: a non-negative safe integer.
 *
 * @example
 * checkBatchId(3, 'offsets log') // ok; checkBatchId(-1, 'offsets log') throws INVALID_ARGUMENT
 */
export function checkBatchId(batchId: number, where: string): void {
  if (!Number.isSafeInteger(batchId) || batchId < 0) {
    throw invalidArgument(`Batch id ${batchId} for the ${where} must be a non-negative integer.`)
  }
}

/**
 * Throws unless `sourceId` can name a folder under `C/sources/`; source ids are also the offsets
 * log's keys, so the same rule holds there.
 *
 * @example
 * checkSourceId('kafka-bids') // 'kafka-bids'; checkSourceId('a/b') throws INVALID_ARGUMENT
 */
export function checkSourceId(sourceId: string): string {
  return checkSegment(sourceId, 'source id')
}

const checkSegment = checkFolderName

function checkIndex(value: number, what: string): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(`The ${what} ${value} must be a non-negative integer.`)
  }
  return String(value)
}

/**
 * The batch id a file in `offsets/` or `commits/` stands for, or undefined when it is not a batch file.
 *
 * @example
 * batchIdOfFile('12') // 12; batchIdOfFile('012') // undefined; batchIdOfFile('.tmp-3-x') // undefined
 */
export function batchIdOfFile(name: string): number | undefined {
  if (!BATCH_FILE.test(name)) return undefined
  const id = Number(name)
  return Number.isSafeInteger(id) ? id : undefined
}

/** @example metadataPath('/ckpt') // '/ckpt/metadata' */
export function metadataPath(checkpoint: string): string {
  return join(checkpoint, 'metadata')
}

/** @example offsetsDir('/ckpt') // '/ckpt/offsets' */
export function offsetsDir(checkpoint: string): string {
  return join(checkpoint, 'offsets')
}

/** @example offsetsPath('/ckpt', 7) // '/ckpt/offsets/7' */
export function offsetsPath(checkpoint: string, batchId: number): string {
  checkBatchId(batchId, 'offsets log')
  return join(offsetsDir(checkpoint), String(batchId))
}

/** @example commitsDir('/ckpt') // '/ckpt/commits' */
export function commitsDir(checkpoint: string): string {
  return join(checkpoint, 'commits')
}

/** @example commitsPath('/ckpt', 7) // '/ckpt/commits/7' */
export function commitsPath(checkpoint: string, batchId: number): string {
  checkBatchId(batchId, 'commits log')
  return join(commitsDir(checkpoint), String(batchId))
}

/** @example progressDir('/ckpt') // '/ckpt/progress' */
export function progressDir(checkpoint: string): string {
  return join(checkpoint, 'progress')
}

/** @example sourceDir('/ckpt', 'files-0') // '/ckpt/sources/files-0' */
export function sourceDir(checkpoint: string, sourceId: string): string {
  return join(checkpoint, 'sources', checkSourceId(sourceId))
}

/** @example stateOperatorDir('/ckpt', 0) // '/ckpt/state/0' */
export function stateOperatorDir(checkpoint: string, operatorId: number): string {
  return join(checkpoint, 'state', checkIndex(operatorId, 'operator id'))
}

/** @example statePartitionDir('/ckpt', 0, 3) // '/ckpt/state/0/3' */
export function statePartitionDir(checkpoint: string, operatorId: number, partition: number): string {
  return join(stateOperatorDir(checkpoint, operatorId), checkIndex(partition, 'partition'))
}

/** @example stateMetadataPath('/ckpt', 0) // '/ckpt/state/0/_metadata' */
export function stateMetadataPath(checkpoint: string, operatorId: number): string {
  return join(stateOperatorDir(checkpoint, operatorId), '_metadata')
}

export { checkDeadLetterName, checkLateRowsName }

/** @example sideOutputDir('/ckpt', 'late', 'late-events') // '/ckpt/late/late-events' */
export function sideOutputDir(checkpoint: string, kind: 'late' | 'dead-letter', name: string): string {
  return join(
    checkpoint,
    kind,
    checkSegment(name, `${kind === 'late' ? 'late-rows' : 'dead-letter'} output name`),
  )
}

/** @example sideOutputMetadataPath('/ckpt', 'late', 'late-events') // '/ckpt/late/late-events/_metadata' */
export function sideOutputMetadataPath(
  checkpoint: string,
  kind: 'late' | 'dead-letter',
  name: string,
): string {
  return join(sideOutputDir(checkpoint, kind, name), '_metadata')
}

/** @example lockPath('/ckpt') // '/ckpt/lock' */
export function lockPath(checkpoint: string): string {
  return join(checkpoint, 'lock')
}

export const TAKEOVER_PREFIX = 'lock.takeover-'
export const STALE_PREFIX = 'lock.stale-'

/** @example takeoverClaimPath('/ckpt', 'ab12') // '/ckpt/lock.takeover-ab12' */
export function takeoverClaimPath(checkpoint: string, token: string): string {
  return join(checkpoint, TAKEOVER_PREFIX + checkSegment(token, 'lock token'))
}

/** @example staleLockPath('/ckpt', 'ab12') // '/ckpt/lock.stale-ab12' */
export function staleLockPath(checkpoint: string, token: string): string {
  return join(checkpoint, STALE_PREFIX + checkSegment(token, 'lock token'))
}
