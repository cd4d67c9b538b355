/**
 * Whole-file compression for the text formats (CSV, JSON, text), as Spark's `compression` option
 * and Hadoop's codecs do it: the writer compresses and names the file `.gz`, `.deflate` or `.zst`;
 * the reader picks the codec from the file name. Built on `node:zlib` (gzip, zlib deflate, zstd);
 * Spark's bzip2, lz4 and snappy text codecs are not available.
 */
import {
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateSync,
  zstdCompressSync,
  zstdDecompressSync,
} from 'node:zlib'
import { SluiceError } from '../../../errors.ts'

export interface TextCodec {
  /** The suffix Hadoop gives files of this codec, e.g. `.gz`; '' for none. */
  readonly extension: string
  compress(bytes: Uint8Array): Uint8Array
}

const NONE: TextCodec = Object.freeze({ extension: '', compress: (b: Uint8Array) => b })
const CODECS: Readonly<Record<string, TextCodec>> = Object.freeze({
  none: NONE,
  uncompressed: NONE,
  gzip: Object.freeze({ extension: '.gz', compress: (b: Uint8Array) => asBytes(gzipSync(b)) }),
  deflate: Object.freeze({ extension: '.deflate', compress: (b: Uint8Array) => asBytes(deflateSync(b)) }),
  zstd: Object.freeze({ extension: '.zst', compress: (b: Uint8Array) => asBytes(zstdCompressSync(b)) }),
})
const UNAVAILABLE = new Set(['bzip2', 'lz4', 'snappy'])

/**
 * The codec for Spark's `compression` (or `codec`) option value.
 *
 * @example
 * textCodecOf('GZIP', 'csv').extension // '.gz'
 */
export function textCodecOf(raw: string | undefined, format: string): TextCodec {
  if (raw === undefined) return NONE
  const codec = CODECS[raw.toLowerCase()]
  if (codec !== undefined) return codec
  const why = UNAVAILABLE.has(raw.toLowerCase()) ? 'Sluice has no codec for it' : 'not a known codec'
  throw new SluiceError(
    'INVALID_OPTION',
    `Invalid value '${raw}' for option 'compression' of the ${format} format: ${why}. Use none, gzip, deflate or zstd.`,
  )
}

/**
 * Decompresses a file whose name ends in a codec suffix (`.gz`, `.deflate`, `.zst`); other files
 * come back unchanged.
 *
 * @example
 * decompressByName(gzipped, 'part-0.csv.gz') // the CSV bytes
 */
export function decompressByName(bytes: Uint8Array, file: string): Uint8Array {
  const lower = file.toLowerCase()
  try {
    if (lower.endsWith('.gz')) return asBytes(gunzipSync(bytes))
    if (lower.endsWith('.deflate')) return asBytes(inflateSync(bytes))
    if (lower.endsWith('.zst')) return asBytes(zstdDecompressSync(bytes))
  } catch (e) {
    throw new SluiceError(
      'FAILED_READ_FILE',
      `Cannot decompress ${file}: ${(e as Error).message}. The file is damaged or its name does not match its codec; set option ignoreCorruptFiles to true to skip damaged files.`,
      { cause: e },
    )
  }
  if (lower.endsWith('.bz2') || lower.endsWith('.lz4') || lower.endsWith('.snappy')) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `Cannot read ${file}: Sluice has no codec for its compression (bzip2, lz4 and Hadoop snappy are not available). Recompress it with gzip, deflate or zstd.`,
    )
  }
  return bytes
}

function asBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}
