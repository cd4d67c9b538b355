/**
 * Spark 4's `hmac(key, message[, algorithm])` (raw MAC bytes; SHA-256 by default),
 * `to_base32`/`from_base32` (RFC 4648 alphabet, `=` padding; decoding skips other characters), `jaro_winkler_similarity` and
 * `try_parse_url` (parse_url, NULL instead of INVALID_URL).
 */
import { createHmac } from 'node:crypto'
import { SluiceError } from '../errors.ts'
import { t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { implicitCast, scalar, simple } from './define.ts'
import { ENCODING_FUNCTIONS } from './encoding-functions.ts'
import type { BindContext, ScalarFunctionDef } from './function-def.ts'

const S = t.string()
const BIN = t.binary()
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

const HMAC_ALGORITHMS: Readonly<Record<string, string>> = {
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-1': 'sha1',
  MD5: 'md5',
}

function hmac(key: Uint8Array, message: Uint8Array, algorithm = 'SHA-256'): Uint8Array {
  const alg = HMAC_ALGORITHMS[algorithm.toUpperCase()]
  if (alg === undefined) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `[INVALID_PARAMETER_VALUE.HMAC_ALGORITHM] \`hmac\`: unknown algorithm '${algorithm}'; use one of ${Object.keys(HMAC_ALGORITHMS).join(', ')}.`,
    )
  }
  return new Uint8Array(createHmac(alg, key).update(message).digest())
}

/** RFC 4648 base 32 with `=` padding. @example toBase32(utf8('foobar')) // 'MZXW6YTBOI======' */
export function toBase32(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const b of bytes) {
    buffer = (buffer << 8) | b
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31]
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=')
}

/**
 * Decodes base 32 as Spark does (Apache Commons Codec): case-insensitive, padding optional, and a
 * character outside the alphabet is skipped rather than refused.
 */
export function fromBase32(text: string): Uint8Array {
  const out: number[] = []
  let buffer = 0
  let bits = 0
  for (const ch of text.toUpperCase()) {
    const v = ALPHABET.indexOf(ch)
    if (v < 0) continue
    buffer = ((buffer << 5) | v) & 0xffff
    bits += 5
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return new Uint8Array(out)
}

/** Jaro similarity and the matched prefix length, as Winkler's boost needs them. */
function jaro(a: string, b: string): number {
  if (a.length === 0 && b.length === 0) return 1
  if (a.length === 0 || b.length === 0) return 0
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1)
  const usedB = new Array<boolean>(b.length).fill(false)
  const matchedA: string[] = []
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (!usedB[j] && a[i] === b[j]) {
        usedB[j] = true
        matchedA.push(a[i])
        break
      }
    }
  }
  const m = matchedA.length
  if (m === 0) return 0
  const matchedB = [...b].filter((_, j) => usedB[j])
  const transpositions = matchedA.filter((c, i) => c !== matchedB[i]).length / 2
  return (m / a.length + m / b.length + (m - transpositions) / m) / 3
}

/** Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4 characters). */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b)
  let prefix = 0
  while (prefix < Math.min(4, a.length, b.length) && a[prefix] === b[prefix]) prefix++
  return j + prefix * 0.1 * (1 - j)
}

function tryParseUrl(parseUrl: ScalarFunctionDef): ScalarFunctionDef {
  return scalar('try_parse_url', [2, 3], (args: readonly BoundExpr[], ctx: BindContext) => {
    const bound = parseUrl.bind(args, ctx)
    if (bound.impl.kind !== 'fn') return bound
    const inner = bound.impl.fn
    const fn = (...a: unknown[]) => {
      try {
        return inner(...a)
      } catch (e) {
        if (e instanceof SluiceError) return null
        throw e
      }
    }
    return { ...bound, nullable: true, impl: { ...bound.impl, fn } }
  })
}

const PARSE_URL = ENCODING_FUNCTIONS.find((d) => d.name === 'parse_url')
if (PARSE_URL === undefined) throw new Error('parse_url is not defined')

export const TEXT_CODEC_FUNCTIONS: readonly ScalarFunctionDef[] = [
  scalar('hmac', [2, 3], (args) => ({
    type: BIN,
    args: args.map((a, i) => implicitCast('hmac', i, a, i < 2 ? BIN : S)),
    impl: { kind: 'fn', fn: hmac },
  })),
  simple('to_base32', [BIN], S, toBase32),
  simple('from_base32', [S], BIN, fromBase32),
  simple('jaro_winkler_similarity', [S, S], t.double(), jaroWinkler),
  tryParseUrl(PARSE_URL),
]
