import type { DataType } from '../schema/data-type.ts'
import { compareDecimals } from '../schema/decimal-value.ts'

/** Kinds held as plain JavaScript primitives and compared directly (double and float are apart: NaN, -0). */
export const PRIMITIVE_KINDS: ReadonlySet<string> = new Set([
  'string',
  'boolean',
  'byte',
  'short',
  'int',
  'long',
  'timestamp',
  'date',
  'interval',
])

/**
 * Equality and ordering of Sluice values as Spark defines them: NaN equals NaN and sorts above
 * every other double; -0.0 equals 0.0; arrays, structs and binary compare element by element.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a === 'number') return typeof b === 'number' && a !== a && b !== b
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (a instanceof Uint8Array) return b instanceof Uint8Array && compareValues(a, b) === 0
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]))
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false
    const ea = [...a]
    const eb = [...b]
    return ea.every(([k, v], i) => valuesEqual(k, eb[i][0]) && valuesEqual(v, eb[i][1]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b as object)
  return (
    ka.length === kb.length &&
    ka.every(
      (k, i) =>
        k === kb[i] && valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  )
}

/** Total order used by ORDER BY, min/max and comparisons; nulls are handled by the caller. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number') {
    const bn = b as number
    if (a < bn) return -1
    if (a > bn) return 1
    if (a === bn) return 0
    // NaN is larger than any other value and equal to itself.
    return a !== a ? (bn !== bn ? 0 : 1) : -1
  }
  if (typeof a === 'string') return compareStrings(a, b as string)
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1
  if (a instanceof Uint8Array) {
    const bb = b as Uint8Array
    const n = Math.min(a.length, bb.length)
    for (let i = 0; i < n; i++) if (a[i] !== bb[i]) return a[i] - bb[i]
    return a.length - bb.length
  }
  if (Array.isArray(a)) return compareSeq(a, b as unknown[])
  if (a !== null && typeof a === 'object') {
    return compareSeq(Object.values(a), Object.values(b as object))
  }
  return 0
}

/** Whether a type holds decimals anywhere (they need `comparatorFor`, not `compareValues`). */
export function containsDecimal(type: DataType): boolean {
  switch (type.kind) {
    case 'decimal':
      return true
    case 'array':
      return containsDecimal(type.element)
    case 'map':
      return containsDecimal(type.key) || containsDecimal(type.value)
    case 'struct':
      return type.fields.some((f) => containsDecimal(f.type))
    default:
      return false
  }
}

/**
 * The total order of values of one type: `compareValues`, except that decimals (held as text)
 * compare numerically wherever they occur.
 *
 * @example
 * comparatorFor(t.decimal(5, 2))('10.00', '9.00') // 1
 */
export function comparatorFor(type: DataType): (a: any, b: any) => number {
  if (!containsDecimal(type)) return compareValues
  if (type.kind === 'decimal') return compareDecimals
  const nullsFirst = (c: (a: any, b: any) => number) => (x: unknown, y: unknown) =>
    x === null || y === null ? (x === y ? 0 : x === null ? -1 : 1) : c(x, y)
  if (type.kind === 'array') {
    const el = nullsFirst(comparatorFor(type.element))
    return (a: unknown[], b: unknown[]) => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const c = el(a[i], b[i])
        if (c !== 0) return c
      }
      return a.length - b.length
    }
  }
  if (type.kind === 'struct') {
    const fs = type.fields.map((f) => [f.name, nullsFirst(comparatorFor(f.type))] as const)
    return (a: Record<string, unknown>, b: Record<string, unknown>) => {
      for (const [name, c] of fs) {
        const r = c(a[name], b[name])
        if (r !== 0) return r
      }
      return 0
    }
  }
  return compareValues
}

function compareSeq(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i]
    const y = b[i]
    if (x === null || y === null) {
      if (x !== y) return x === null ? -1 : 1
      continue
    }
    const c = compareValues(x, y)
    if (c !== 0) return c
  }
  return a.length - b.length
}

/**
 * Whether a value of this type can be its own JS Map key and still group as Spark groups (a Map
 * compares with SameValueZero: 0 and -0 together, NaN with NaN). Structs, arrays, maps and
 * binaries are objects, compared by identity, so they need `compositeKey`.
 *
 * @example
 * isSelfKeyed(t.long()) // true
 * isSelfKeyed(t.struct({ a: t.long() })) // false
 */
export function isSelfKeyed(type: DataType): boolean {
  return type.kind !== 'struct' && type.kind !== 'array' && type.kind !== 'map' && type.kind !== 'binary'
}

/**
 * A string that is equal for two tuples exactly when Spark would group them together
 * (NaN with NaN, -0.0 with 0.0, NULL with NULL). Used for multi-column grouping and distinct keys.
 */
export function compositeKey(values: readonly unknown[]): string {
  let k = ''
  for (const v of values) k += keyPart(v)
  return k
}

/** One value's part of `compositeKey` (self-delimiting). @example keyPart(1) // 'n1;' */
export function keyPart(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`
    case 'number':
      return `n${v === 0 ? 0 : v};`
    case 'boolean':
      return v ? 't' : 'f'
    default:
      if (v === null) return 'z'
      if (v instanceof Uint8Array) return `b${v.length}:${Buffer.from(v).toString('latin1')}`
      if (Array.isArray(v)) return `a${v.length}[${compositeKey(v)}`
      if (v instanceof Map) return `m${v.size}{${compositeKey([...v].flat())}`
      return structKey(v as Record<string, unknown>)
  }
}

// A struct's part, field by field, without the array Object.values would allocate: window keys
// ({start, end}) take this path once per row in windowed aggregations.
function structKey(v: Record<string, unknown>): string {
  let k = 'o{'
  for (const f in v) k += keyPart(v[f])
  return k
}

/**
 * Orders strings by code point, which is Spark's order (it compares UTF-8 bytes). JavaScript's `<`
 * compares UTF-16 units, which differs when a surrogate pair (a code point above U+FFFF) meets a
 * character in U+E000..U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    if (x >= 0xd800 && y >= 0xd800) return codeUnitRank(x) - codeUnitRank(y)
    return x - y
  }
  return a.length - b.length
}

// Surrogates move above U+E000..U+FFFF; the rest keep their order.
const codeUnitRank = (c: number): number => (c >= 0xe000 ? c - 0x800 : c + 0x2000)
