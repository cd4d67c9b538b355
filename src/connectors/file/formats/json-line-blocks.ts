/**
 * The JSON source's fast path: a file's lines through the decoder generated per schema
 * (`compileFastJsonDecoder`), in place in blocks of text, each line it bails on handed to the
 * generic per-line reader.
 */
import { FAST_JSON_BAIL, type FastJsonDecoder, isCleanJsonLines } from '../../../functions/json/index.ts'
import type { DecodeSink } from './format.ts'

const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
/** Bytes decoded to one string at a time: a row's strings keep at most this much text alive. */
const BLOCK_BYTES = 1 << 16

/**
 * Reads a whole file through the generated decoder in blocks of about 64 KiB ending at a line
 * feed, each decoded to its own string; false (having read part of it) when the file holds a \r or
 * invalid UTF-8, which the generic path reads.
 *
 * @example if (!decodeBlocks(bytes, fast, sink, (line, at) => record(line, at))) readGenerically()
 */
export function decodeBlocks(
  raw: Uint8Array,
  fast: FastJsonDecoder,
  sink: DecodeSink,
  slow: (line: string, at: number) => void,
): boolean {
  if (raw.indexOf(13) >= 0) return false
  let from = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0
  let line = 1
  while (from < raw.length) {
    let to = Math.min(from + BLOCK_BYTES, raw.length)
    const nl = to < raw.length ? raw.indexOf(10, to - 1) : -1
    if (to < raw.length) to = nl < 0 ? raw.length : nl + 1
    let text: string
    try {
      text = FATAL_UTF8.decode(raw.subarray(from, to))
    } catch {
      return false
    }
    line = decodeFast(text, fast, sink, slow, line)
    from = to
  }
  return true
}

/** The lines of a text block (split at `\n` only) through the generated decoder; the next line number. */
function decodeFast(
  text: string,
  fast: FastJsonDecoder,
  sink: DecodeSink,
  slow: (line: string, at: number) => void,
  firstLine: number,
): number {
  let from = 0
  let line = firstLine
  const n = text.length
  const clean = isCleanJsonLines(text)
  while (from < n) {
    let to = text.indexOf('\n', from)
    if (to < 0) to = n
    const row = fast(text, from, to, clean)
    if (row !== FAST_JSON_BAIL) sink.rows.push(row as unknown[])
    else slow(text.slice(from, to), line)
    from = to + 1
    line++
  }
  return line
}
