/**
 * The checkpoint's errors. Each names the file or checkpoint at fault and says what to do.
 */
import { SluiceError } from '../errors.ts'

/**
 * A checkpoint file that cannot be read as what it should be.
 *
 * @example
 * throw checkpointCorrupt('/ckpt/offsets/3', 'line 2 is not valid JSON')
 */
export function checkpointCorrupt(file: string, problem: string, remedy: string = RESTORE): SluiceError {
  return new SluiceError('CHECKPOINT_CORRUPT', `Checkpoint file ${file} is corrupt: ${problem}. ${remedy}`)
}

const RESTORE =
  'Sluice left the file untouched. Restore the checkpoint from a backup, or delete the checkpoint ' +
  'directory to start the query over (it then starts from the sources’ initial offsets).'

/**
 * Checkpoint files that are each readable but do not fit together.
 *
 * @example
 * throw checkpointInconsistent('/ckpt', 'commits/4 exists but offsets/4 does not')
 */
export function checkpointInconsistent(checkpoint: string, problem: string): SluiceError {
  return new SluiceError(
    'CHECKPOINT_CORRUPT',
    `Checkpoint ${checkpoint} is inconsistent: ${problem}. Sluice changed nothing in it. Restore the ` +
      'checkpoint from a backup, or delete it to start the query over.',
  )
}

/**
 * A file written by a newer Sluice.
 *
 * @example
 * throw checkpointVersionUnsupported('/ckpt/commits/3', 2, 1)
 */
export function checkpointVersionUnsupported(file: string, found: number, supported: number): SluiceError {
  return new SluiceError(
    'CHECKPOINT_VERSION_UNSUPPORTED',
    `Checkpoint file ${file} has format version v${found}, but this version of Sluice reads at most ` +
      `v${supported}. It was written by a newer Sluice: upgrade Sluice to run this query. The file was ` +
      'left untouched.',
  )
}

/**
 * A restart whose query does not match what the checkpoint recorded.
 *
 * @example
 * throw checkpointIncompatible('/ckpt', "conf 'sluice.sql.shuffle.partitions' is '8' in the checkpoint but '4' now")
 */
export function checkpointIncompatible(checkpoint: string, problem: string, remedy: string): SluiceError {
  return new SluiceError(
    'CHECKPOINT_INCOMPATIBLE',
    `The query does not match its checkpoint ${checkpoint}: ${problem}. ${remedy}`,
  )
}
