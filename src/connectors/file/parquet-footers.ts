/**
 * Parquet schema inference reads footers, not row data: a file's last 64 KiB (its footer, in
 * nearly every file), and once more exactly its footer when that is larger. The bytes handed to
 * the codec's `inferSchema` are that tail, which holds everything the footer parser reads (the
 * footer, its length and the closing `PAR1`).
 */
import { SluiceError } from '../../errors.ts'
import { canReadTail, readLocalTailSync } from '../../io/file-tail.ts'
import type { FileSystem } from '../../io/fs.ts'
import type { ListedFile } from './file-listing.ts'
import type { FileInput } from './formats/format.ts'

/** The first read of a file's end: enough for the footers Sluice and Spark write. */
const FIRST_TAIL_BYTES = 65_536
/** The footer length (4 bytes, little-endian) and the magic `PAR1` end every Parquet file. */
const TRAILER_BYTES = 8

/**
 * The footers schema inference needs: the first file's (the first one still there, with
 * `ignoreMissingFiles`), or every file's with `mergeSchema`.
 *
 * @example
 * const inputs = await readParquetFooters(listing.files, nodeFileSystem, { merge: false, ignoreMissingFiles: false })
 */
export async function readParquetFooters(
  files: readonly ListedFile[],
  fs: FileSystem,
  o: { readonly merge: boolean; readonly ignoreMissingFiles: boolean },
): Promise<FileInput[]> {
  const out: FileInput[] = []
  for (const file of files) {
    const bytes = await footerBytes(fs, file.path)
    if (bytes !== undefined) out.push({ bytes, file: file.path })
    else if (!o.ignoreMissingFiles) throw fileGone(file.path)
    if (out.length > 0 && !o.merge) break
  }
  return out
}

/** The file's tail holding its footer; the whole file on a file system that reads no tails. */
async function footerBytes(fs: FileSystem, path: string): Promise<Uint8Array | undefined> {
  if (!canReadTail(fs)) return fs.readFile(path)
  const tail = await fs.readTail(path, FIRST_TAIL_BYTES)
  const exact = tail === undefined ? null : longerFooter(tail)
  return exact === null ? tail : fs.readTail(path, exact)
}

/**
 * As `readParquetFooters` for one local file, synchronously (the streaming file source infers its
 * schema when the stream is defined): the file's tail holding its footer, or undefined when gone.
 *
 * @example
 * readParquetFooterSync('/data/part-0.parquet') // the last 64 KiB, or the exact footer when larger
 */
export function readParquetFooterSync(path: string): Uint8Array | undefined {
  const tail = readLocalTailSync(path, FIRST_TAIL_BYTES)
  const exact = tail === undefined ? null : longerFooter(tail)
  return exact === null ? tail : readLocalTailSync(path, exact)
}

/**
 * The bytes the footer and trailer take when `tail` (a file's first tail read) is too short to
 * hold them; null when it holds them, or is not Parquet (the footer parser judges these bytes).
 */
function longerFooter(tail: Uint8Array): number | null {
  if (tail.length < FIRST_TAIL_BYTES || !isParquetTrailer(tail)) return null
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength)
  const needed = view.getUint32(tail.length - TRAILER_BYTES, true) + TRAILER_BYTES
  return needed <= tail.length ? null : needed
}

function isParquetTrailer(tail: Uint8Array): boolean {
  const n = tail.length
  // 'PAR1'
  return tail[n - 4] === 0x50 && tail[n - 3] === 0x41 && tail[n - 2] === 0x52 && tail[n - 1] === 0x31
}

function fileGone(path: string): SluiceError {
  return new SluiceError(
    'SOURCE_UNAVAILABLE',
    `The file ${path} was listed but is gone: it was deleted or moved before it was read. Keep input files until they are read, or set option ignoreMissingFiles to true to skip such files.`,
  )
}
