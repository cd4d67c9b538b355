/**
 * Spark's functions that build or cut arrays: `slice`, `flatten`, `sequence`, `arrays_zip`,
 * `array_join`, `array_repeat`, `array_insert`, `get`. Indexes are 1-based where Spark's are
 * (`slice`, `array_insert`) and 0-based for `get`; invalid arguments raise as ANSI Spark does.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import { field, simpleString, structOf, t } from '../schema/data-type.ts'
import { arrayType } from './array-functions.ts'
import type { BoundExpr } from './bound-expr.ts'
import { adoptElementType, castTo, commonTypeOf } from './coercion.ts'
import { argTypeError, implicitCast, scalar } from './define.ts'
import type { ScalarFunctionDef } from './function-def.ts'

const MAX_ARRAY_LENGTH = 2147483632

function tooLong(fn: string, n: number): SluiceError {
  return new SluiceError(
    'INVALID_ARGUMENT',
    `\`${fn}\` would make an array of ${n} elements, more than the limit ${MAX_ARRAY_LENGTH}.`,
  )
}

const slice = scalar('slice', [3, 3], ([a, s, n]) => {
  const type = arrayType('slice', a)
  const fn = (xs: unknown[], start: number, length: number, site: string) => {
    if (start === 0) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `\`${site}\`: SQL array indices start at 1; slice got start 0.`,
      )
    }
    if (length < 0) {
      throw new SluiceError('INVALID_ARGUMENT', `\`${site}\`: slice's length must be >= 0, got ${length}.`)
    }
    const from = start > 0 ? start - 1 : xs.length + start
    if (from < 0 || from >= xs.length) return []
    return xs.slice(from, from + length)
  }
  return {
    type,
    args: [a, implicitCast('slice', 1, s, t.int()), implicitCast('slice', 2, n, t.int())],
    impl: { kind: 'fn', fn, withSite: true },
  }
})

const flatten = scalar('flatten', [1, 1], ([a]) => {
  const type = arrayType('flatten', a)
  if (type.element.kind !== 'array') throw argTypeError('flatten', 0, a, 'array of arrays')
  const inner = type.element
  const fn = (xs: (unknown[] | null)[]) => (xs.includes(null) ? null : (xs as unknown[][]).flat(1))
  return { type: inner, nullable: true, args: [a], impl: { kind: 'fn', fn } }
})

const isIntegralKind = (k: string): boolean => k === 'byte' || k === 'short' || k === 'int' || k === 'long'

/** sequence over numbers: inclusive bounds, default step 1 or -1, a wrong-way step is an error. */
function numberSequence(start: number, stop: number, step: number | undefined, site: string): number[] {
  const by = step ?? (start <= stop ? 1 : -1)
  if (!(start === stop || (by > 0 && start < stop) || (by < 0 && start > stop))) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `\`${site}\`: illegal sequence boundaries: ${start} to ${stop} by ${by}.`,
    )
  }
  const n = Math.floor((stop - start) / by) + 1
  if (n > MAX_ARRAY_LENGTH) throw tooLong('sequence', n)
  return Array.from({ length: n }, (_, i) => start + i * by)
}

const sequence = scalar('sequence', [2, 3], (args) => {
  const [a, b, s] = args
  const type = commonTypeOf([a.type, b.type], '`sequence` bounds')
  if (isIntegralKind(type.kind)) {
    const cast = [a, b].map((x, i) => implicitCast('sequence', i, x, type))
    const step = s === undefined ? [] : [implicitCast('sequence', 2, s, type)]
    return {
      type: t.array(type, false),
      args: [...cast, ...step],
      impl:
        s === undefined
          ? {
              kind: 'fn',
              fn: (x: number, y: number, site: string) => numberSequence(x, y, undefined, site),
              withSite: true,
            }
          : { kind: 'fn', fn: numberSequence, withSite: true },
    }
  }
  if (type.kind === 'date' || type.kind === 'timestamp') {
    if (s !== undefined && s.type.kind !== 'interval') throw argTypeError('sequence', 2, s, 'interval')
    const cast = [a, b].map((x, i) => implicitCast('sequence', i, x, type))
    // Dates are days and intervals milliseconds: a date sequence steps whole days.
    const scale = type.kind === 'date' ? 86_400_000 : 1
    const fn = (from: number, to: number, stepMs: number | undefined, site: string) =>
      numberSequence(from, to, stepMs === undefined ? undefined : stepMs / scale, site)
    const withStep = s === undefined ? [...cast] : [...cast, s]
    const impl =
      s === undefined
        ? {
            kind: 'fn' as const,
            fn: (x: number, y: number, site: string) => fn(x, y, undefined, site),
            withSite: true,
          }
        : { kind: 'fn' as const, fn, withSite: true }
    return { type: t.array(type, false), args: withStep, impl }
  }
  throw typeMismatch(`\`sequence\` takes integer, date or timestamp bounds, not ${simpleString(type)}.`)
})

/** A struct field name for arrays_zip: the column or field name, else the argument's index. */
const zipName = (a: BoundExpr, i: number): string =>
  a.kind === 'ref' || a.kind === 'field' ? a.name : String(i)

const arraysZip = scalar('arrays_zip', [1, Number.POSITIVE_INFINITY], (args) => {
  const types = args.map((a, i) => arrayType('arrays_zip', a, i))
  const names = args.map(zipName)
  const type = t.array(structOf(types.map((ty, i) => field(names[i], ty.element, true))), false)
  const fn = (...xs: unknown[][]) => {
    const n = Math.max(0, ...xs.map((x) => x.length))
    return Array.from({ length: n }, (_, i) => {
      const o: Record<string, unknown> = {}
      names.forEach((name, j) => {
        o[name] = xs[j][i] ?? null
      })
      return o
    })
  }
  return { type, args, impl: { kind: 'fn', fn } }
})

const arrayJoin = scalar('array_join', [2, 3], ([a, d, r]) => {
  arrayType('array_join', a)
  const strs = castTo(a, t.array(t.string()))
  const rest = [d, ...(r === undefined ? [] : [r])].map((x, i) =>
    implicitCast('array_join', i + 1, x, t.string()),
  )
  const fn = (xs: (string | null)[], delim: string, nullText?: string) =>
    (nullText === undefined ? xs.filter((x) => x !== null) : xs.map((x) => x ?? nullText)).join(delim)
  return { type: t.string(), args: [strs, ...rest], impl: { kind: 'fn', fn } }
})

const arrayRepeat = scalar('array_repeat', [2, 2], ([v, n]) => {
  const fn = (x: unknown, count: number | null) => {
    if (count === null) return null
    if (count > MAX_ARRAY_LENGTH) throw tooLong('array_repeat', count)
    return Array.from({ length: Math.max(0, count) }, () => x)
  }
  return {
    type: t.array(v.type, v.nullable),
    args: [v, implicitCast('array_repeat', 1, n, t.int())],
    nullable: n.nullable,
    impl: { kind: 'fn', fn, nullSafe: true },
  }
})

// array_insert(xs, pos, x): 1-based; a negative pos counts from the end (-1 inserts after the last
// element, Spark 4); past either end the gap is padded with NULLs.
const arrayInsert = scalar('array_insert', [3, 3], ([array, p, v]) => {
  const a = adoptElementType(array, v)
  const type = arrayType('array_insert', a)
  const fn = (xs: unknown[] | null, pos: number | null, x: unknown, site: string) => {
    if (xs === null || pos === null) return null
    if (pos === 0) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `\`${site}\`: SQL array indices start at 1; array_insert got 0.`,
      )
    }
    if (pos > 0) {
      const out = [...xs]
      while (out.length < pos - 1) out.push(null)
      out.splice(pos - 1, 0, x)
      return out
    }
    const at = xs.length + pos + 1
    if (at >= 0) return [...xs.slice(0, at), x, ...xs.slice(at)]
    return [x, ...Array.from({ length: -at }, () => null), ...xs]
  }
  return {
    type: t.array(type.element, true),
    args: [a, implicitCast('array_insert', 1, p, t.int()), implicitCast('array_insert', 2, v, type.element)],
    nullable: a.nullable || p.nullable,
    impl: { kind: 'fn', fn, nullSafe: true, withSite: true },
  }
})

const get = scalar('get', [2, 2], ([a, i]) => {
  const type = arrayType('get', a)
  const fn = (xs: unknown[], k: number) => (k >= 0 && k < xs.length ? xs[k] : null)
  return {
    type: type.element,
    nullable: true,
    args: [a, implicitCast('get', 1, i, t.int())],
    impl: { kind: 'fn', fn },
  }
})

export const ARRAY_BUILDERS: readonly ScalarFunctionDef[] = [
  slice,
  flatten,
  sequence,
  arraysZip,
  arrayJoin,
  arrayRepeat,
  arrayInsert,
  get,
]
