/**
 * The envelope every checkpoint file shares, as Spark's metadata logs do: a version line `v<N>`, then
 * the codec's lines, each ending in a newline.
 *
 * ```
 * v1
 * {"nextBatchWatermarkMs":0}
 * ```
 *
 * From v2 on (every codec's v2 is its v1 plus this), the last line is a checksum of every byte
 * before it, the CRC-32 of the version line and the codec's lines with their newlines:
 *
 * ```
 * v2
 * {"nextBatchWatermarkMs":0}
 * crc32:5c1e6f2a
 * ```
 *
 * Readers refuse a version newer than their codec (CHECKPOINT_VERSION_UNSUPPORTED) and anything that
 * does not fit the format (CHECKPOINT_CORRUPT): an empty file, a malformed version line (`v`, `v0`,
 * `v1x`, `x1`; Spark's MetadataVersionUtil rejects the same), bytes that are not UTF-8, a last line
 * without its newline (a truncated file), a v2+ file whose checksum line is missing or does not match
 * its content (one changed digit in an offset), or lines the codec rejects.
 *
 * Version history (shared by every codec that goes through this envelope):
 * - v1 (Sluice 0.1): version line and the codec's lines; still read, never written.
 * - v2: v1 plus the `crc32:` checksum line.
 */
import { crc32 } from 'node:zlib'
import { internalError } from '../errors.ts'
import { checkpointCorrupt, checkpointVersionUnsupported } from './checkpoint-errors.ts'

/** A codec's complaint about the lines it was given; the reader adds the file name. */
export class FormatProblem extends Error {}

export interface DecodeContext {
  /** The version the file declares (at most the codec's). */
  readonly version: number
  /** The batch id the file name stands for, in a metadata log. */
  readonly batchId?: number
}

/** How one kind of checkpoint file turns into lines and back. */
export interface FileCodec<T> {
  /** The version this code writes, and the newest it reads. */
  readonly version: number
  /** The lines after the version line, each without its newline. */
  encode(value: T): readonly string[]
  /** The value the lines after the version line hold; throws FormatProblem when they do not fit. */
  decode(lines: readonly string[], context: DecodeContext): T
}

const VERSION_LINE = /^v([0-9]+)$/
const CHECKSUM_LINE = /^crc32:([0-9a-f]{8})$/
/** The first envelope version whose files end with a checksum line. */
export const CHECKSUM_SINCE_VERSION = 2
const utf8Encoder = new TextEncoder()
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The file's text: version line, the codec's lines, a final newline.
 *
 * @example
 * encodeVersionedFile(commitLogCodec, commitLogEntry({ nextBatchWatermarkMs: 0 }))
 * // 'v1\n{"nextBatchWatermarkMs":0}\n'
 */
export function encodeVersionedFile<T>(codec: FileCodec<T>, value: T): string {
  const lines = codec.encode(value)
  for (const line of lines) {
    if (line.includes('\n'))
      throw internalError('A checkpoint file codec produced a line with a newline in it.')
  }
  const text = `v${codec.version}\n${lines.map((l) => `${l}\n`).join('')}`
  return codec.version < CHECKSUM_SINCE_VERSION ? text : `${text}${checksumLine(utf8Encoder.encode(text))}\n`
}

/** The checksum line of `bytes`. @example checksumLine(new TextEncoder().encode('v2\n')) // 'crc32:...' */
export function checksumLine(bytes: Uint8Array): string {
  return `crc32:${crc32(bytes).toString(16).padStart(8, '0')}`
}

/**
 * The text before a v2+ file's checksum line, after checking the checksum; FormatProblem when the
 * line is missing or does not match.
 */
function verifyChecksum(bytes: Uint8Array, text: string): string {
  const lastStart = text.lastIndexOf('\n', text.length - 2) + 1
  const m = CHECKSUM_LINE.exec(text.slice(lastStart, -1))
  if (lastStart === 0 || m === null) {
    throw new FormatProblem(
      "its last line should be a checksum like 'crc32:5c1e6f2a' (the file is truncated or altered)",
    )
  }
  // The checksum line is ASCII: its characters are its bytes.
  const actual = checksumLine(bytes.subarray(0, bytes.length - m[0].length - 1))
  if (actual !== m[0]) {
    throw new FormatProblem(
      `its content does not match its checksum (${m[0]} recorded, ${actual} computed): the file was altered or damaged`,
    )
  }
  return text.slice(0, lastStart)
}

/**
 * Reads a file's bytes back through its codec, or throws CHECKPOINT_CORRUPT /
 * CHECKPOINT_VERSION_UNSUPPORTED naming `file`.
 *
 * @example
 * decodeVersionedFile('/ckpt/commits/0', bytes, commitLogCodec) // { nextBatchWatermarkMs: 0 }
 */
export function decodeVersionedFile<T>(
  file: string,
  bytes: Uint8Array,
  codec: FileCodec<T>,
  options: DecodeOptions = {},
): T {
  try {
    const whole = decodeText(bytes)
    const firstBreak = whole.indexOf('\n')
    // The version comes first: a newer format may change everything after its version line.
    const version = parseVersion(firstBreak < 0 ? whole : whole.slice(0, firstBreak))
    if (version > codec.version) throw checkpointVersionUnsupported(file, version, codec.version)
    if (!whole.endsWith('\n')) throw new FormatProblem('the file is truncated (its last line has no newline)')
    const text = version < CHECKSUM_SINCE_VERSION ? whole : verifyChecksum(bytes, whole)
    const lines = text.slice(firstBreak + 1, -1).split('\n')
    const { batchId } = options
    return codec.decode(firstBreak === text.length - 1 ? [] : lines, {
      version,
      ...(batchId === undefined ? {} : { batchId }),
    })
  } catch (e) {
    if (e instanceof FormatProblem) throw checkpointCorrupt(file, e.message, options.remedy)
    throw e
  }
}

export interface DecodeOptions {
  /** The batch id the file name stands for, in a metadata log. */
  readonly batchId?: number
  /** What the corrupt-file error tells the user to do, when not the default (restore or start over). */
  readonly remedy?: string
}

function decodeText(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new FormatProblem('the file is empty')
  try {
    return utf8.decode(bytes)
  } catch {
    throw new FormatProblem('the file is not UTF-8 text')
  }
}

function parseVersion(line: string): number {
  const m = VERSION_LINE.exec(line)
  const version = m === null ? 0 : Number(m[1])
  if (!(version > 0 && Number.isSafeInteger(version))) {
    const shown = line.length > 20 ? `${line.slice(0, 20)}...` : line
    throw new FormatProblem(`the first line should be a version line like 'v1' but is '${shown}'`)
  }
  return version
}

/**
 * Parses line `index` (0 = the first line after the version line) as JSON.
 *
 * @example
 * parseJsonLine(['{"a":1}'], 0, 'the commit metadata') // { a: 1 }
 */
export function parseJsonLine(lines: readonly string[], index: number, what: string): unknown {
  if (index >= lines.length) throw new FormatProblem(`${what} (line ${index + 2}) is missing`)
  try {
    return JSON.parse(lines[index])
  } catch {
    throw new FormatProblem(`${what} (line ${index + 2}) is not valid JSON`)
  }
}

/**
 * Throws unless there are exactly `count` lines after the version line.
 *
 * @example
 * expectLineCount(['{}'], 1, 'the commit metadata') // ok
 */
export function expectLineCount(lines: readonly string[], count: number, what: string): void {
  if (lines.length < count) throw new FormatProblem(`${what} (line ${lines.length + 2}) is missing`)
  if (lines.length > count) {
    throw new FormatProblem(`it has ${lines.length + 1} lines where ${count + 1} are expected after ${what}`)
  }
}

/** The value as a JSON object, or a FormatProblem. @example requireObject({}, 'the metadata') // {} */
export function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FormatProblem(`${what} should be a JSON object`)
  }
  return value as Record<string, unknown>
}

/** `obj[key]` as a safe integer. @example requireInteger({ n: 1 }, 'n', 'the metadata') // 1 */
export function requireInteger(obj: Record<string, unknown>, key: string, what: string): number {
  const v = obj[key]
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new FormatProblem(`${what} field '${key}' should be an integer but is ${describe(v)}`)
  }
  return v
}

/** `obj[key]` as a non-empty string. @example requireString({ id: 'a' }, 'id', 'the metadata') // 'a' */
export function requireString(obj: Record<string, unknown>, key: string, what: string): string {
  const v = obj[key]
  if (typeof v !== 'string' || v.length === 0) {
    throw new FormatProblem(`${what} field '${key}' should be a non-empty string but is ${describe(v)}`)
  }
  return v
}

/**
 * `obj[key]` as a frozen string-to-string record.
 *
 * @example
 * requireStringRecord({ conf: { a: '1' } }, 'conf', 'the metadata') // { a: '1' }
 */
export function requireStringRecord(
  obj: Record<string, unknown>,
  key: string,
  what: string,
): Readonly<Record<string, string>> {
  const record = requireObject(obj[key], `${what} field '${key}'`)
  for (const [k, v] of Object.entries(record)) {
    if (typeof v !== 'string') {
      throw new FormatProblem(`${what} field '${key}' entry '${k}' should be a string but is ${describe(v)}`)
    }
  }
  return Object.freeze(Object.fromEntries(Object.entries(record) as [string, string][]))
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing'
  const text = JSON.stringify(v)
  return text.length > 40 ? `${text.slice(0, 40)}...` : text
}

/** A string-to-string record as JSON with its keys sorted, so equal records give equal bytes. */
export function sortedRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]]),
  )
}
