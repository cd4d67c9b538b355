/**
 * Small functions from Spark 4's reference that Sluice's types already allow: inverse hyperbolic
 * functions, `bit_get`, the bitwise operators (`&`, `|`, `^`, `~`, `<<`, `>>`, `>>>`),
 * `nullifzero`/`zeroifnull`, `weekday`, `try_to_date`, `json_array_length`/`json_object_keys`,
 * `quote`, the UTF-8 validity checks, `raise_error`/`assert_true` and `current_timezone`; and the
 * names Spark accepts as aliases of functions Sluice has (`SPARK_ALIASES`).
 */
import { SluiceError } from '../errors.ts'
import { type DataType, isIntegral, t } from '../schema/data-type.ts'
import { dayOfWeek } from '../util/time/index.ts'
import type { BoundExpr } from './bound-expr.ts'
import { toTimestampFn } from './datetime-functions.ts'
import { argTypeError, implicitCast, scalar, simple } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'
import { NO_JSON_VALUE, parseJsonExact } from './json/index.ts'

const D = t.double()
const S = t.string()
const BITS: Readonly<Record<string, number>> = { byte: 8, short: 16, int: 32, long: 64 }

function integral(fn: string, i: number, a: BoundExpr): BoundExpr {
  if (a.type.kind === 'null') return implicitCast(fn, i, a, t.int())
  if (!isIntegral(a.type)) throw argTypeError(fn, i, a, 'an integral number')
  return a
}

const bitGet = (name: string) =>
  scalar(name, [2, 2], ([a, p]) => {
    const x = integral(name, 0, a)
    const width = BITS[x.type.kind] ?? 32
    const fn = (v: number, pos: number) => {
      if (pos < 0 || pos >= width) {
        throw new SluiceError(
          'INVALID_ARGUMENT',
          `[INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE] \`${name}\`: the bit position must be between 0 and ${width - 1}, got ${pos}.`,
        )
      }
      return Number((BigInt.asUintN(64, BigInt(v)) >> BigInt(pos)) & 1n)
    }
    return { type: t.byte(), args: [x, implicitCast(name, 1, p, t.int())], impl: { kind: 'fn', fn } }
  })

/** A bitwise operator on two integral operands of the wider type (64-bit through BigInt). */
function bitwise(op: '&' | '|' | '^'): ScalarFunctionDef {
  return scalar(op, [2, 2], ([a, b]) => {
    const x = integral(op, 0, a)
    const y = integral(op, 1, b)
    const type: DataType = (BITS[x.type.kind] ?? 32) >= (BITS[y.type.kind] ?? 32) ? x.type : y.type
    const wide = type.kind === 'long'
    const small = (u: number, v: number) => (op === '&' ? u & v : op === '|' ? u | v : u ^ v)
    const big = (u: number, v: number) => {
      const [p, q] = [BigInt(u), BigInt(v)]
      return Number(BigInt.asIntN(64, op === '&' ? p & q : op === '|' ? p | q : p ^ q))
    }
    return {
      type,
      args: [implicitCast(op, 0, x, type), implicitCast(op, 1, y, type)],
      impl: { kind: 'fn', fn: wide ? big : small },
    }
  })
}

const bitNot = scalar('~', [1, 1], ([a]) => {
  const x = integral('~', 0, a)
  return { type: x.type, args: [x], impl: { kind: 'fn', fn: (v: number) => -v - 1 } }
})

/** The JSON value of `text`, or undefined when it is not JSON (Spark then answers NULL). */
function parseOrUndefined(text: string): unknown {
  try {
    const v = parseJsonExact(text)
    return v === NO_JSON_VALUE ? undefined : v
  } catch {
    return undefined
  }
}

function utf8Arg(name: string, a: BoundExpr): BoundExpr {
  return a.type.kind === 'binary' ? a : implicitCast(name, 0, a, S)
}

const FATAL = new TextDecoder('utf-8', { fatal: true })
const LENIENT = new TextDecoder('utf-8')
const isValidUtf8 = (v: string | Uint8Array): boolean => {
  // A JS string is well-formed UTF-16 unless it holds a lone surrogate, which UTF-8 cannot carry.
  if (typeof v === 'string') return Buffer.from(v, 'utf8').toString('utf8') === v
  try {
    FATAL.decode(v)
    return true
  } catch {
    return false
  }
}
const asText = (v: string | Uint8Array): string =>
  typeof v === 'string' ? Buffer.from(v, 'utf8').toString('utf8') : LENIENT.decode(v)

function utf8Fn(name: string, fn: (v: string | Uint8Array, site: string) => unknown, type: DataType) {
  return scalar(name, [1, 1], ([a]) => ({
    type,
    args: [utf8Arg(name, a)],
    impl: { kind: 'fn', fn, withSite: true },
    nullable: true,
  }))
}

function raise(message: string): never {
  throw new SluiceError('USER_RAISED_EXCEPTION', message)
}

export const REFERENCE_EXTRAS: readonly ScalarFunctionDef[] = [
  simple('acosh', [D], D, Math.acosh),
  simple('asinh', [D], D, Math.asinh),
  simple('atanh', [D], D, Math.atanh),
  bitGet('bit_get'),
  bitGet('getbit'),
  bitwise('&'),
  bitwise('|'),
  bitwise('^'),
  bitNot,
  scalar('nullifzero', [1, 1], ([a]) => ({
    type: a.type,
    args: [a],
    nullable: true,
    impl: { kind: 'fn', fn: (v: number) => (v === 0 ? null : v) },
  })),
  scalar('zeroifnull', [1, 1], ([a]) => ({
    type: a.type.kind === 'null' ? t.int() : a.type,
    args: [a.type.kind === 'null' ? implicitCast('zeroifnull', 0, a, t.int()) : a],
    nullable: false,
    impl: { kind: 'fn', fn: (v: number | null) => v ?? 0, nullSafe: true },
  })),
  // Monday is 0 (dayofweek counts Sunday as 1).
  scalar('weekday', [1, 1], ([d]) => ({
    type: t.int(),
    args: [implicitCast('weekday', 0, d, t.date())],
    impl: { kind: 'fn', fn: (days: number) => (dayOfWeek(days * 86_400_000, 'UTC') + 5) % 7 },
  })),
  toTimestampFn('try_to_date', t.date(), true),
  simple(
    'json_array_length',
    [S],
    t.int(),
    (s: string) => {
      const v = parseOrUndefined(s)
      return Array.isArray(v) ? v.length : null
    },
    { nullable: true },
  ),
  simple(
    'json_object_keys',
    [S],
    t.array(S),
    (s: string) => {
      const v = parseOrUndefined(s)
      return v instanceof Map ? [...v.keys()] : null
    },
    { nullable: true },
  ),
  simple('quote', [S], S, (s: string) => `'${s.replaceAll("'", "\\'")}'`),
  utf8Fn('is_valid_utf8', isValidUtf8, t.boolean()),
  utf8Fn('make_valid_utf8', asText, S),
  utf8Fn(
    'validate_utf8',
    (v, site) => {
      if (isValidUtf8(v)) return asText(v)
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `[INVALID_UTF8_STRING] \`${site}\`: invalid UTF-8 byte sequence; use try_validate_utf8 or make_valid_utf8.`,
      )
    },
    S,
  ),
  utf8Fn('try_validate_utf8', (v) => (isValidUtf8(v) ? asText(v) : null), S),
  scalar('raise_error', [1, 1], ([m]) => ({
    type: t.null(),
    args: [implicitCast('raise_error', 0, m, S)],
    nullable: true,
    deterministic: false,
    impl: { kind: 'fn', fn: (msg: string | null) => raise(msg ?? 'null'), nullSafe: true },
  })),
  scalar('assert_true', [1, 2], ([c, m]) => ({
    type: t.null(),
    args: [
      implicitCast('assert_true', 0, c, t.boolean()),
      ...(m === undefined ? [] : [implicitCast('assert_true', 1, m, S)]),
    ],
    nullable: true,
    deterministic: false,
    impl: {
      kind: 'fn',
      nullSafe: true,
      withSite: true,
      fn: (ok: boolean | null, ...rest: (string | null)[]) => {
        if (ok === true) return null
        const site = rest.pop()
        return raise(rest.length > 0 ? String(rest[0]) : `'${site}' is not true!`)
      },
    },
  })),
  scalar('current_timezone', [0, 0], (_args, ctx) => ({
    type: S,
    nullable: false,
    impl: { kind: 'template', code: () => JSON.stringify(ctx.timeZone) },
  })),
]

/** Spark's other names for functions Sluice has: [alias, the catalog function it names]. */
export const SPARK_ALIASES: readonly (readonly [string, string])[] = [
  ['date_diff', 'datediff'],
  ['dateadd', 'date_add'],
  ['datepart', 'date_part'],
  ['len', 'length'],
  ['curdate', 'current_date'],
  ['to_unix_timestamp', 'unix_timestamp'],
  ['<<', 'shiftleft'],
  ['>>', 'shiftright'],
  ['>>>', 'shiftrightunsigned'],
]
