/**
 * More of Spark's scalar functions: strings (`replace`, `translate`, `left`, `split_part`, ...),
 * math (`cbrt`, `atan2`, `factorial`, ...) and miscellaneous (`typeof`, `uuid`, `equal_null`).
 * Strings count code points, as Spark counts characters.
 */
import { randomUUID } from 'node:crypto'
import { SluiceError } from '../errors.ts'
import { type DataType, simpleString, t } from '../schema/data-type.ts'
import { castTo, coerceAll } from './coercion.ts'
import { implicitCast, scalar, simple } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'
import { substring } from './strings.ts'
import { valuesEqual } from './values.ts'

const S = t.string()
const I = t.int()
const L = t.long()
const D = t.double()
const B = t.boolean()

const chars = (s: string): string[] => [...s]

function translate(s: string, from: string, to: string): string {
  const map = new Map<string, string | null>()
  const f = chars(from)
  const tt = chars(to)
  f.forEach((c, i) => {
    if (!map.has(c)) map.set(c, tt[i] ?? null)
  })
  return chars(s)
    .map((c) => (map.has(c) ? (map.get(c) ?? '') : c))
    .join('')
}

function substringIndex(s: string, delim: string, count: number): string {
  if (count === 0 || delim === '') return ''
  const parts = s.split(delim)
  return count > 0
    ? parts.slice(0, count).join(delim)
    : parts.slice(Math.max(0, parts.length + count)).join(delim)
}

function splitPart(s: string, delim: string, part: number, site: string): string {
  if (part === 0) throw new SluiceError('INVALID_ARGUMENT', `\`${site}\`: split_part's index must not be 0.`)
  const parts = delim === '' ? [s] : s.split(delim)
  const i = part > 0 ? part - 1 : parts.length + part
  return parts[i] ?? ''
}

function levenshtein(a: string, b: string): number {
  const x = chars(a)
  const y = chars(b)
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const cur = [i]
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[y.length]
}

function locate(sub: string, s: string, pos = 1): number {
  if (pos < 1) return 0
  const cs = chars(s)
  const start = cs.slice(0, pos - 1).join('').length
  const i = s.indexOf(sub, start)
  return i < 0 ? 0 : chars(s.slice(0, i)).length + 1
}

const hexOf = (x: number | string | Uint8Array): string => {
  if (typeof x === 'number')
    return (x < 0 ? BigInt.asUintN(64, BigInt(x)) : BigInt(x)).toString(16).toUpperCase()
  const bytes = typeof x === 'string' ? new TextEncoder().encode(x) : x
  return Buffer.from(bytes).toString('hex').toUpperCase()
}

function factorial(n: number): number | null {
  if (n < 0 || n > 20) return null
  let r = 1
  for (let i = 2; i <= n; i++) r *= i
  // NOTE: 19! and 20! exceed 2^53; Sluice's bigint is a JS number, so they are rounded.
  return r
}

const typeofFn = scalar('typeof', [1, 1], ([a]) => ({
  type: S,
  nullable: false,
  args: [],
  impl: { kind: 'template', code: () => JSON.stringify(simpleString(a.type)), nullSafe: true },
}))

/** Spark's type-name functions: `double('NaN')` is `CAST('NaN' AS DOUBLE)`. */
function castFunction(name: string, to: DataType): ScalarFunctionDef {
  return scalar(name, [1, 1], ([a]) => ({
    type: to,
    args: [castTo(a, to)],
    nullable: a.nullable,
    impl: { kind: 'template', code: ([x]) => x },
  }))
}

export const MISC_FUNCTIONS: readonly ScalarFunctionDef[] = [
  castFunction('tinyint', t.byte()),
  castFunction('decimal', t.decimal()),
  castFunction('smallint', t.short()),
  castFunction('int', I),
  castFunction('bigint', L),
  castFunction('float', t.float()),
  castFunction('double', D),
  castFunction('string', S),
  castFunction('boolean', B),
  castFunction('date', t.date()),
  castFunction('timestamp', t.timestamp()),
  castFunction('binary', t.binary()),
  simple(
    'replace',
    [S, S, S],
    S,
    (s: string, search: string, rep = '') => (search === '' ? s : s.split(search).join(rep)),
    { optional: 1 },
  ),
  simple('translate', [S, S, S], S, translate),
  simple('left', [S, I], S, (s: string, n: number) => (n <= 0 ? '' : substring(s, 1, n))),
  simple('right', [S, I], S, (s: string, n: number) => (n <= 0 ? '' : substring(s, -n, n))),
  simple('locate', [S, S, I], I, locate, { optional: 1 }),
  simple('position', [S, S, I], I, locate, { optional: 1 }),
  simple('substring_index', [S, S, I], S, substringIndex),
  simple('split_part', [S, S, I], S, splitPart, { withSite: true }),
  simple(
    'btrim',
    [S, S],
    S,
    (s: string, cs = ' ') => {
      const set = new Set(chars(cs))
      const a = chars(s)
      let i = 0
      let j = a.length
      while (i < j && set.has(a[i])) i++
      while (j > i && set.has(a[j - 1])) j--
      return a.slice(i, j).join('')
    },
    { optional: 1 },
  ),
  simple('levenshtein', [S, S], I, levenshtein),
  simple('space', [I], S, (n: number) => ' '.repeat(Math.max(0, n))),
  simple('octet_length', [S], I, (s: string) => Buffer.byteLength(s, 'utf8')),
  simple('bit_length', [S], I, (s: string) => Buffer.byteLength(s, 'utf8') * 8),
  simple('chr', [L], S, (n: number) => (n < 0 ? '' : String.fromCharCode(n % 256))),
  simple('char', [L], S, (n: number) => (n < 0 ? '' : String.fromCharCode(n % 256))),
  simple('base64', [t.binary()], S, (b: Uint8Array) => Buffer.from(b).toString('base64')),
  simple('unbase64', [S], t.binary(), (s: string) => new Uint8Array(Buffer.from(s, 'base64'))),
  simple('find_in_set', [S, S], I, (s: string, list: string) =>
    s.includes(',') ? 0 : list.split(',').indexOf(s) + 1,
  ),
  scalar('elt', [2, Number.POSITIVE_INFINITY], (args) => ({
    type: S,
    nullable: true,
    args: args.map((a, i) => implicitCast('elt', i, a, i === 0 ? I : S)),
    impl: {
      kind: 'fn',
      withSite: true,
      nullSafe: true,
      fn: (n: number | null, ...rest: unknown[]) => {
        const site = rest.pop() as string
        if (n === null) return null
        if (n < 1 || n > rest.length) {
          throw new SluiceError(
            'INVALID_ARGUMENT',
            `[INVALID_ARRAY_INDEX] The index ${n} is out of bounds: \`${site}\` has ${rest.length} values. Use try_element_at on an array to get NULL instead.`,
          )
        }
        return rest[n - 1]
      },
    },
  })),
  scalar('hex', [1, 1], ([a]) => ({
    type: S,
    args: [a],
    impl: { kind: 'fn', fn: hexOf },
  })),
  simple('cbrt', [D], D, Math.cbrt),
  simple('degrees', [D], D, (x: number) => (x * 180) / Math.PI),
  simple('radians', [D], D, (x: number) => (x * Math.PI) / 180),
  simple('expm1', [D], D, Math.expm1),
  simple('log1p', [D], D, (x: number) => (x <= -1 ? null : Math.log1p(x)), { nullable: true }),
  simple('hypot', [D, D], D, Math.hypot),
  simple('atan2', [D, D], D, Math.atan2),
  simple('asin', [D], D, Math.asin),
  simple('acos', [D], D, Math.acos),
  simple('atan', [D], D, Math.atan),
  simple('sinh', [D], D, Math.sinh),
  simple('cosh', [D], D, Math.cosh),
  simple('tanh', [D], D, Math.tanh),
  simple('cot', [D], D, (x: number) => 1 / Math.tan(x)),
  simple('sec', [D], D, (x: number) => 1 / Math.cos(x)),
  simple('csc', [D], D, (x: number) => 1 / Math.sin(x)),
  simple('rint', [D], D, (x: number) => {
    const r = Math.round(x)
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
  }),
  simple('sign', [D], D, Math.sign),
  simple('e', [], D, () => Math.E),
  simple('pi', [], D, () => Math.PI),
  simple('factorial', [I], L, factorial, { nullable: true }),
  typeofFn,
  simple('uuid', [], S, () => randomUUID(), { deterministic: false, nullable: false }),
  scalar('equal_null', [2, 2], (args) => ({
    type: B,
    nullable: false,
    args: coerceAll(args, 'equal_null').args,
    impl: {
      kind: 'fn',
      nullSafe: true,
      fn: (x: unknown, y: unknown) => (x === null || y === null ? x === y : valuesEqual(x, y)),
    },
  })),
]
