/**
 * Further Spark scalar functions: `nvl2`, `try_element_at`, the regexp family (`regexp_count`,
 * `regexp_extract_all`, `regexp_substr`, `regexp_instr`), bit functions (`shiftleft`, `bit_count`,
 * `bin`), `unhex`, `width_bucket`, `overlay` and `soundex`. Bit functions on bigint go through
 * BigInt, so they keep Java's 64-bit two's complement; results beyond 2^53 are an overflow error.
 */
import { SluiceError } from '../errors.ts'
import { isIntegral, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { coerceAll } from './coercion.ts'
import { argTypeError, implicitCast, scalar, simple } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'
import { overflow } from './runtime-errors.ts'
import { valuesEqual } from './values.ts'

const S = t.string()
const I = t.int()
const L = t.long()
const D = t.double()

const regexCache = new Map<string, RegExp>()
function regex(fn: string, p: string): RegExp {
  let re = regexCache.get(p)
  if (re === undefined) {
    try {
      re = new RegExp(p, 'gu')
    } catch (e) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `\`${fn}\`: invalid regular expression '${p}': ${(e as Error).message}`,
      )
    }
    regexCache.set(p, re)
  }
  re.lastIndex = 0
  return re
}

const codePoints = (s: string): number => [...s].length

const nvl2 = scalar('nvl2', [3, 3], ([a, b, c]) => {
  const { type, args } = coerceAll([b, c], 'nvl2')
  return {
    type,
    nullable: args.some((x) => x.nullable),
    args: [a, ...args],
    impl: { kind: 'fn', nullSafe: true, fn: (x: unknown, y: unknown, z: unknown) => (x === null ? z : y) },
  }
})

const tryElementAt = scalar('try_element_at', [2, 2], ([c, k]) => {
  if (c.type.kind === 'array') {
    const fn = (xs: unknown[], i: number, site: string) => {
      if (i === 0)
        throw new SluiceError(
          'INVALID_ARGUMENT',
          `[INVALID_INDEX_OF_ZERO] \`${site}\`: SQL array indices start at 1.`,
        )
      const j = i > 0 ? i - 1 : xs.length + i
      return j >= 0 && j < xs.length ? xs[j] : null
    }
    return {
      type: c.type.element,
      nullable: true,
      args: [c, implicitCast('try_element_at', 1, k, I)],
      impl: { kind: 'fn', fn, withSite: true },
    }
  }
  if (c.type.kind === 'map') {
    const fn = (m: Map<unknown, unknown>, key: unknown) => {
      if (m.has(key)) return m.get(key)
      for (const [mk, v] of m) if (valuesEqual(mk, key)) return v
      return null
    }
    return {
      type: c.type.value,
      nullable: true,
      args: [c, implicitCast('try_element_at', 1, k, c.type.key)],
      impl: { kind: 'fn', fn },
    }
  }
  throw argTypeError('try_element_at', 0, c, 'array or map')
})

function groupIndex(fn: string, re: RegExp, idx: number): void {
  const groups = new RegExp(`${re.source}|`, 'u').exec('')!.length - 1
  if (idx < 0 || idx > groups) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] \`${fn}\`: the regex has ${groups} group(s), but the group index is ${idx}.`,
    )
  }
}

const regexpExtractAll = simple(
  'regexp_extract_all',
  [S, S, I],
  t.array(S, true),
  (s: string, p: string, idx = 1) => {
    const re = regex('regexp_extract_all', p)
    groupIndex('regexp_extract_all', re, idx)
    return [...s.matchAll(re)].map((m) => m[idx] ?? '')
  },
  { optional: 1 },
)

const integralArg = (fn: string, a: BoundExpr): BoundExpr => {
  if (!isIntegral(a.type)) throw argTypeError(fn, 0, a, 'int or bigint')
  return a
}

/** A shift on int (32-bit) or bigint (64-bit two's complement, as Java). */
function shift(name: string, op: 'left' | 'right' | 'unsigned'): ScalarFunctionDef {
  return scalar(name, [2, 2], ([a, n]) => {
    // tinyint and smallint shift as int, as in Spark (shiftleft(1Y, 3) is an int).
    const x =
      a.type.kind === 'byte' || a.type.kind === 'short' ? implicitCast(name, 0, a, I) : integralArg(name, a)
    const bits = implicitCast(name, 1, n, I)
    const int = x.type.kind === 'int'
    const fn = (v: number, k: number, site: string): number => {
      if (int) return op === 'left' ? v << k : op === 'right' ? v >> k : (v >>> k) | 0
      const b = BigInt.asIntN(64, BigInt(v))
      const s = BigInt(k & 63)
      const r =
        op === 'left' ? BigInt.asIntN(64, b << s) : op === 'right' ? b >> s : BigInt.asUintN(64, b) >> s
      const out = Number(BigInt.asIntN(64, r))
      if (!Number.isSafeInteger(out)) throw overflow('bigint', site)
      return out
    }
    return { type: x.type, args: [x, bits], impl: { kind: 'fn', fn, withSite: true } }
  })
}

const bitCount = scalar('bit_count', [1, 1], ([a]) => {
  if (a.type.kind === 'boolean')
    return { type: I, args: [a], impl: { kind: 'fn', fn: (b: boolean) => (b ? 1 : 0) } }
  const x = integralArg('bit_count', a)
  // Spark counts an int's bits as a bigint's: bit_count(-1) is 64.
  const fn = (v: number) => [...BigInt.asUintN(64, BigInt(v)).toString(2)].filter((c) => c === '1').length
  return { type: I, args: [x], impl: { kind: 'fn', fn } }
})

function unhex(s: string): Uint8Array | null {
  const text = s.length % 2 === 1 ? `0${s}` : s
  if (!/^[0-9a-fA-F]*$/.test(text)) return null
  return new Uint8Array(Buffer.from(text, 'hex'))
}

/** Spark's width_bucket: bucket 0 below the range, n + 1 above it; NULL for a bad range or count. */
function widthBucket(v: number, lo: number, hi: number, n: number): number | null {
  if (n <= 0 || lo === hi || !Number.isFinite(lo) || !Number.isFinite(hi) || Number.isNaN(v)) return null
  if (lo < hi) {
    if (v < lo) return 0
    if (v >= hi) return n + 1
    return Math.floor(((v - lo) * n) / (hi - lo)) + 1
  }
  if (v > lo) return 0
  if (v <= hi) return n + 1
  return Math.floor(((lo - v) * n) / (lo - hi)) + 1
}

function overlay(s: string, r: string, pos: number, len = -1): string {
  const cs = [...s]
  const n = len >= 0 ? len : codePoints(r)
  return [...cs.slice(0, Math.max(0, pos - 1)), r, ...cs.slice(Math.max(0, pos - 1 + n))].join('')
}

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const U64 = (1n << 64n) - 1n

/**
 * Spark's conv (NumberConverter): reads digits of `from` up to the first invalid one as an unsigned
 * 64-bit number (a leading '-' negates it modulo 2^64), writes it in |to|; a negative `to` writes a
 * signed number. ANSI: more than 64 bits is ARITHMETIC_OVERFLOW.
 */
function conv(text: string, from: number, to: number, site: string): string | null {
  if (from < 2 || from > 36 || Math.abs(to) < 2 || Math.abs(to) > 36) return null
  const s = text.trim().toUpperCase()
  if (s === '') return null
  const negative = s.startsWith('-')
  let v = 0n
  for (const ch of negative ? s.slice(1) : s) {
    const d = DIGITS.indexOf(ch)
    if (d < 0 || d >= from) break
    v = v * BigInt(from) + BigInt(d)
    if (v > U64) {
      throw new SluiceError('ARITHMETIC_OVERFLOW', `\`${site}\`: '${text}' does not fit in 64 bits.`)
    }
  }
  if (negative) v = (U64 + 1n - v) & U64
  const signed = to < 0 && v > U64 >> 1n
  const out = (signed ? U64 + 1n - v : v).toString(Math.abs(to)).toUpperCase()
  return signed ? `-${out}` : out
}

const SOUNDEX = '01230120022455012623010202'
function soundex(s: string): string {
  const first = s.charAt(0).toUpperCase()
  if (!/[A-Z]/.test(first)) return s
  let out = first
  let last = SOUNDEX[first.charCodeAt(0) - 65]
  for (const ch of s.slice(1).toUpperCase()) {
    if (out.length === 4) break
    const code = /[A-Z]/.test(ch) ? SOUNDEX[ch.charCodeAt(0) - 65] : '0'
    if (code !== '0' && code !== last) out += code
    if (ch !== 'H' && ch !== 'W') last = code
  }
  return out.padEnd(4, '0')
}

export const SCALAR_EXTRAS: readonly ScalarFunctionDef[] = [
  nvl2,
  tryElementAt,
  simple(
    'regexp_count',
    [S, S],
    I,
    (s: string, p: string) => [...s.matchAll(regex('regexp_count', p))].length,
  ),
  regexpExtractAll,
  simple(
    'regexp_substr',
    [S, S],
    S,
    (s: string, p: string) => regex('regexp_substr', p).exec(s)?.[0] ?? null,
    {
      nullable: true,
    },
  ),
  simple(
    'regexp_instr',
    [S, S, I],
    I,
    (s: string, p: string, idx = 0) => {
      const re = regex('regexp_instr', p)
      groupIndex('regexp_instr', re, idx)
      const m = re.exec(s)
      if (m === null) return 0
      const at = idx === 0 ? m.index : m.index + m[0].indexOf(m[idx] ?? '')
      return codePoints(s.slice(0, at)) + 1
    },
    { optional: 1 },
  ),
  shift('shiftleft', 'left'),
  shift('shiftright', 'right'),
  shift('shiftrightunsigned', 'unsigned'),
  bitCount,
  simple('bin', [L], S, (v: number) => BigInt.asUintN(64, BigInt(v)).toString(2)),
  simple('unhex', [S], t.binary(), unhex, { nullable: true }),
  simple('width_bucket', [D, D, D, L], L, widthBucket, { nullable: true }),
  simple('overlay', [S, S, I, I], S, overlay, { optional: 1 }),
  simple('soundex', [S], S, soundex),
  simple('conv', [S, I, I], S, conv, { withSite: true, nullable: true }),
]
