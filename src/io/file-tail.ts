/**
 * Reading the end of a file without the rest: what a Parquet footer needs (schema inference at
 * `load()` reads footers, not row data). An optional capability of a FileSystem (io/fs.ts):
 * `localFileSystem` has it; a file system without it is read whole.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { open } from 'node:fs/promises'
import type { FileSystem } from './fs.ts'

/** A file system that can read a file's last bytes alone. */
export interface TailReader {
  /** The last `maxBytes` bytes of the file (all of it when shorter), or undefined when there is none. */
  readTail(path: string, maxBytes: number): Promise<Uint8Array | undefined>
}

/**
 * Whether `fs` reads tails.
 *
 * @example
 * if (canReadTail(fs)) await fs.readTail('/data/part-0.parquet', 65_536)
 */
export function canReadTail(fs: FileSystem): fs is FileSystem & TailReader {
  return typeof (fs as Partial<TailReader>).readTail === 'function'
}

/**
 * The last `maxBytes` bytes of a local file (raw Node errors; localFileSystem wraps them).
 *
 * @example
 * await readLocalTail('/data/part-0.parquet', 8) // the footer length and 'PAR1'
 */
export async function readLocalTail(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, 'r')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
  try {
    const { size } = await handle.stat()
    const length = Math.min(size, maxBytes)
    const out = new Uint8Array(length)
    let done = 0
    while (done < length) {
      const { bytesRead } = await handle.read(out, done, length - done, size - length + done)
      // A file cut short while being read: what was read is the tail there was.
      if (bytesRead === 0) return out.subarray(0, done)
      done += bytesRead
    }
    return out
  } finally {
    await handle.close()
  }
}

/**
 * As `readLocalTail`, synchronously (for code that is synchronous already, as defining a stream).
 *
 * @example
 * readLocalTailSync('/data/part-0.parquet', 8) // the footer length and 'PAR1'
 */
export function readLocalTailSync(path: string, maxBytes: number): Uint8Array | undefined {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
  try {
    const size = fstatSync(fd).size
    const length = Math.min(size, maxBytes)
    const out = new Uint8Array(length)
    let done = 0
    while (done < length) {
      const read = readSync(fd, out, done, length - done, size - length + done)
      if (read === 0) return out.subarray(0, done)
      done += read
    }
    return out
  } finally {
    closeSync(fd)
  }
}
