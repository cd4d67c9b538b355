/**
 * String functions. Lengths and positions count Unicode code points, as Spark counts characters
 * of UTF-8 strings (`length('😀')` is 1). Regular expressions use JavaScript's engine, which accepts
 * most Java regex syntax; differences (possessive quantifiers, some classes) are errors at bind time.
 */
import { SluiceError } from '../errors.ts'
import { t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { coerceAll } from './coercion.ts'
import { argTypeError, implicitCast, scalar, simple } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'

const S = t.string()
const I = t.int()

const HAS_SURROGATE = /[\uD800-\uDFFF]/
const codePoints = (s: string): number => (HAS_SURROGATE.test(s) ? [...s].length : s.length)

/** Spark's substring: 1-based `pos` (0 acts as 1; negative counts from the end), `len` chars. */
export function substring(s: string, pos: number, len = Number.MAX_SAFE_INTEGER): string {
  const chars = HAS_SURROGATE.test(s) ? [...s] : null
  const n = chars ? chars.length : s.length
  let start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0
  let end = pos < 0 && start < 0 ? start + len : start + len
  if (start < 0) start = 0
  if (end > n) end = n
  if (len <= 0 || end <= start) return ''
  return chars ? chars.slice(start, end).join('') : s.slice(start, end)
}

function regex(fn: string, pattern: unknown): RegExp {
  try {
    return new RegExp(String(pattern), 'gu')
  } catch (e) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `\`${fn}\`: invalid regular expression '${pattern}': ${(e as Error).message}`,
    )
  }
}

function cachedRegex(fn: string): (p: string) => RegExp {
  const cache = new Map<string, RegExp>()
  return (p) => {
    let re = cache.get(p)
    if (re === undefined) cache.set(p, (re = regex(fn, p)))
    re.lastIndex = 0
    return re
  }
}

const strings = (name: string, args: readonly BoundExpr[]): BoundExpr[] =>
  args.map((a, i) => implicitCast(name, i, a, S))

function concat(): ScalarFunctionDef {
  return scalar('concat', [0, Number.POSITIVE_INFINITY], (args) => {
    if (args.length > 0 && args.every((a) => a.type.kind === 'array')) {
      // The arrays meet in their common type: concat(array(), array('a')) is array<string>.
      const { type, args: cast } = coerceAll(args, 'concat')
      return { type, args: cast, impl: { kind: 'fn', fn: (...xs: unknown[][]) => xs.flat(1) } }
    }
    const cast = strings('concat', args)
    if (cast.length === 0) return { type: S, impl: { kind: 'template', code: () => "''" } }
    return { type: S, impl: { kind: 'template', code: (xs) => xs.join(' + ') }, args: cast }
  })
}

function concatWs(): ScalarFunctionDef {
  return scalar('concat_ws', [1, Number.POSITIVE_INFINITY], (args) => {
    const cast = args.map((a, i) =>
      i > 0 && a.type.kind === 'array' ? a : implicitCast('concat_ws', i, a, S),
    )
    const fn = (sep: string | null, ...parts: unknown[]): string | null => {
      if (sep === null) return null
      const out: string[] = []
      for (const p of parts) {
        if (p === null) continue
        if (Array.isArray(p)) for (const x of p) x !== null && out.push(String(x))
        else out.push(p as string)
      }
      return out.join(sep)
    }
    return { type: S, impl: { kind: 'fn', fn, nullSafe: true }, args: cast, nullable: cast[0].nullable }
  })
}

const trimChars = (mode: 'both' | 'left' | 'right') => (s: string, chars?: string) => {
  const set = chars === undefined ? ' ' : chars
  let a = 0
  let b = s.length
  if (mode !== 'right') while (a < b && set.includes(s[a])) a++
  if (mode !== 'left') while (b > a && set.includes(s[b - 1])) b--
  return s.slice(a, b)
}

function split(): ScalarFunctionDef {
  return scalar('split', [2, 3], (args) => {
    const cast = [
      implicitCast('split', 0, args[0], S),
      implicitCast('split', 1, args[1], S),
      ...(args[2] ? [implicitCast('split', 2, args[2], I)] : []),
    ]
    const re = cachedRegex('split')
    const fn = (s: string, p: string, limit = -1): string[] => {
      const parts = s.split(re(p))
      if (limit > 0 && parts.length > limit) {
        // Spark keeps the rest of the string, separators included, in the last element.
        let rest = s
        const head: string[] = []
        const r = re(p)
        for (let i = 0; i < limit - 1; i++) {
          const m = r.exec(rest)
          if (m === null) break
          head.push(rest.slice(0, m.index))
          rest = rest.slice(m.index + m[0].length)
          r.lastIndex = 0
        }
        return [...head, rest]
      }
      // Spark drops trailing empty strings only for limit 0... and keeps them for -1 (Java split semantics).
      return limit === 0 ? trimTrailingEmpty(parts) : parts
    }
    return { type: t.array(S, false), impl: { kind: 'fn', fn }, args: cast }
  })
}
const trimTrailingEmpty = (xs: string[]): string[] => {
  let n = xs.length
  while (n > 0 && xs[n - 1] === '') n--
  return xs.slice(0, n)
}

function regexpExtract(): ScalarFunctionDef {
  return scalar('regexp_extract', [2, 3], (args) => {
    const cast = [
      implicitCast('regexp_extract', 0, args[0], S),
      implicitCast('regexp_extract', 1, args[1], S),
      args[2] ? implicitCast('regexp_extract', 2, args[2], I) : null,
    ].filter((a) => a !== null)
    const re = cachedRegex('regexp_extract')
    const fn = (s: string, p: string, idx = 1): string => {
      const m = re(p).exec(s)
      if (m === null) return ''
      if (idx < 0 || idx >= m.length) {
        throw new SluiceError(
          'INVALID_ARGUMENT',
          `regexp_extract: the regex '${p}' has ${m.length - 1} groups, but group ${idx} was asked for.`,
        )
      }
      return m[idx] ?? ''
    }
    return { type: S, impl: { kind: 'fn', fn }, args: cast }
  })
}

// Java's replacement syntax ($1, \$) is close to JavaScript's ($1, $$): translate escaped dollars.
const javaReplacement = (r: string): string => r.replace(/\\\$/g, '$$$$').replace(/\\\\/g, '\\')

function lengthFn(name: string): ScalarFunctionDef {
  return scalar(name, [1, 1], ([a]) => {
    if (a.type.kind === 'binary') return { type: I, impl: { kind: 'template', code: ([x]) => `${x}.length` } }
    if (a.type.kind === 'array' || a.type.kind === 'map') throw argTypeError(name, 0, a, 'string or binary')
    return { type: I, impl: { kind: 'fn', fn: codePoints }, args: [implicitCast(name, 0, a, S)] }
  })
}

/** The longest string V8 holds (2^29 - 24 UTF-16 units). */
const MAX_STRING_LENGTH = 536_870_888

/** Spark has no error class here (it throws a bare ArithmeticException or runs out of memory). */
function tooLong(fn: string, length: number): SluiceError {
  return new SluiceError(
    'INVALID_ARGUMENT',
    `\`${fn}\` would build a string of ${length} characters, more than the ${MAX_STRING_LENGTH} a string can hold. Use a smaller count or length.`,
  )
}

const pad =
  (left: boolean) =>
  (s: string, len: number, p = ' '): string => {
    const n = codePoints(s)
    if (len <= n) return substring(s, 1, Math.max(len, 0))
    if (p === '') return s
    if (len > MAX_STRING_LENGTH) throw tooLong(left ? 'lpad' : 'rpad', len)
    const fill = p.repeat(Math.ceil((len - n) / p.length)).slice(0, len - n)
    return left ? fill + s : s + fill
  }

export const STRING_FUNCTIONS: readonly ScalarFunctionDef[] = [
  concat(),
  concatWs(),
  simple('lower', [S], S, (s: string) => s.toLowerCase()),
  simple('lcase', [S], S, (s: string) => s.toLowerCase()),
  simple('upper', [S], S, (s: string) => s.toUpperCase()),
  simple('ucase', [S], S, (s: string) => s.toUpperCase()),
  simple('trim', [S, S], S, trimChars('both'), { optional: 1 }),
  simple('ltrim', [S, S], S, trimChars('left'), { optional: 1 }),
  simple('rtrim', [S, S], S, trimChars('right'), { optional: 1 }),
  lengthFn('length'),
  lengthFn('char_length'),
  lengthFn('character_length'),
  simple('substring', [S, I, I], S, substring, { optional: 1 }),
  simple('substr', [S, I, I], S, substring, { optional: 1 }),
  split(),
  regexpExtract(),
  simple(
    'regexp_replace',
    [S, S, S],
    S,
    (() => {
      const re = cachedRegex('regexp_replace')
      return (s: string, p: string, r: string) => s.replace(re(p), javaReplacement(r))
    })(),
  ),
  simple('startswith', [S, S], t.boolean(), (s: string, p: string) => s.startsWith(p)),
  simple('endswith', [S, S], t.boolean(), (s: string, p: string) => s.endsWith(p)),
  simple('contains', [S, S], t.boolean(), (s: string, p: string) => s.includes(p)),
  simple('instr', [S, S], I, (s: string, p: string) => {
    const i = s.indexOf(p)
    return i < 0 ? 0 : codePoints(s.slice(0, i)) + 1
  }),
  simple('lpad', [S, I, S], S, pad(true), { optional: 1 }),
  simple('rpad', [S, I, S], S, pad(false), { optional: 1 }),
  simple('repeat', [S, I], S, (s: string, n: number) => {
    if (n <= 0) return ''
    if (s.length * n > MAX_STRING_LENGTH) throw tooLong('repeat', s.length * n)
    return s.repeat(n)
  }),
  scalar('reverse', [1, 1], ([a]) =>
    a.type.kind === 'array'
      ? { type: a.type, impl: { kind: 'fn', fn: (xs: unknown[]) => [...xs].reverse() } }
      : {
          type: S,
          args: [implicitCast('reverse', 0, a, S)],
          impl: { kind: 'fn', fn: (s: string) => [...s].reverse().join('') },
        },
  ),
  simple('initcap', [S], S, (s: string) =>
    s.toLowerCase().replace(/(^|\s)(\S)/g, (_, a, b) => a + b.toUpperCase()),
  ),
  simple('ascii', [S], I, (s: string) => (s.length === 0 ? 0 : (s.codePointAt(0) as number))),
]
