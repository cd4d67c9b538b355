/**
 * What a failed file operation becomes: a SluiceError (STORAGE_ERROR) naming the operation, the path
 * and the cause in words, with what to do, instead of a raw ENOSPC/EROFS/ENOENT from Node.
 */
import { SluiceError } from '../errors.ts'

const CAUSES: Readonly<Record<string, readonly [cause: string, remedy: string]>> = Object.freeze({
  ENOSPC: [
    'the disk is full',
    'Free space on that disk (or move the folder to a larger one) and restart the query.',
  ],
  EDQUOT: ['the disk quota is exceeded', 'Raise the quota or free space, then restart the query.'],
  EROFS: [
    'the file system is read-only',
    'Mount it read-write, or point the query at a writable folder, then restart it.',
  ],
  EACCES: [
    'permission denied',
    'Give the user running Sluice read and write access to the folder (and execute access to its parents).',
  ],
  EPERM: ['the operation is not permitted', 'Check the file’s owner, permissions and attributes (chattr).'],
  ENOENT: [
    'a folder on the path does not exist',
    'Create the parent folder, or check that nothing deletes it while the query runs.',
  ],
  ENOTDIR: ['a part of the path is a file, not a folder', 'Remove or rename the file that is in the way.'],
  EISDIR: ['the path is a folder, not a file', 'Remove or rename the folder that is in the way.'],
  EMFILE: ['the process has too many open files', 'Raise the open-file limit (ulimit -n).'],
  ENFILE: ['the system has too many open files', 'Raise the system open-file limit.'],
  EIO: ['the disk reported an I/O error', 'Check the disk’s health; the file may be damaged.'],
})

function errnoCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * `e` as a STORAGE_ERROR naming `operation` and `path`; a SluiceError or a non-system error is
 * returned unchanged.
 *
 * @example
 * throw storageError('write', '/ckpt/offsets/3', e) // "Cannot write /ckpt/offsets/3: the disk is full (ENOSPC). ..."
 */
export function storageError(operation: string, path: string, e: unknown): unknown {
  if (e instanceof SluiceError) return e
  const code = errnoCode(e)
  if (code === undefined) return e
  const [cause, remedy] = CAUSES[code] ?? [
    (e as Error).message,
    'Check the file system and restart the query.',
  ]
  return new SluiceError('STORAGE_ERROR', `Cannot ${operation} ${path}: ${cause} (${code}). ${remedy}`, {
    cause: e,
  })
}

/**
 * Runs `fn`, turning a failed file operation into a STORAGE_ERROR naming `operation` and `path`.
 *
 * @example
 * await guardStorage('create the folder', dir, () => mkdir(dir, { recursive: true }))
 */
export async function guardStorage<T>(operation: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    throw storageError(operation, path, e)
  }
}
