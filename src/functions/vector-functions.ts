/**
 * Spark 4.3's vector functions over `array<float>`: `vector_norm` (degree 1, 2 or infinity),
 * `vector_normalize`, `vector_inner_product`, `vector_cosine_similarity`, `vector_l2_distance`,
 * and the aggregates `vector_sum`/`vector_avg` (element-wise). A vector with a NULL element gives
 * NULL (the aggregates skip it); vectors of different dimensions fail with
 * VECTOR_DIMENSION_MISMATCH. Sums are taken in double and rounded to float, as the results are.
 */
import { SluiceError } from '../errors.ts'
import { type DataType, simpleString, t } from '../schema/data-type.ts'
import type { BoundExpr } from './bound-expr.ts'
import { argTypeError, implicitCast, scalar } from './define.ts'
import type { AggregateFunctionDef, ScalarFunctionDef } from './function-def.ts'
import { aggregateDef } from './statistical-aggregates.ts'

type Vec = readonly (number | null)[]
const F = t.float()
const VEC = t.array(F)

function vectorArg(fn: string, i: number, a: BoundExpr): BoundExpr {
  if (a.type.kind === 'null') return implicitCast(fn, i, a, VEC)
  if (a.type.kind !== 'array' || a.type.element.kind !== 'float') {
    throw new SluiceError(
      'DATATYPE_MISMATCH',
      `[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] \`${fn}\`: argument ${i + 1} must be array<float>, got ${simpleString(a.type)}; cast it with CAST(x AS ARRAY<FLOAT>).`,
    )
  }
  return a
}

const hasNull = (v: Vec): boolean => v.some((x) => x === null)

function sameDimension(fn: string, a: Vec, b: Vec): void {
  if (a.length !== b.length) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `[VECTOR_DIMENSION_MISMATCH] \`${fn}\`: the vectors have ${a.length} and ${b.length} dimensions.`,
    )
  }
}

function norm(v: readonly number[], degree: number): number {
  if (degree === 1) return v.reduce((s, x) => s + Math.abs(x), 0)
  if (degree === 2) return Math.sqrt(v.reduce((s, x) => s + x * x, 0))
  if (degree === Number.POSITIVE_INFINITY) return v.reduce((m, x) => Math.max(m, Math.abs(x)), 0)
  throw new SluiceError(
    'INVALID_ARGUMENT',
    `[INVALID_VECTOR_NORM_DEGREE] the norm degree must be 1.0, 2.0 or float('inf'), got ${degree}.`,
  )
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i], 0)

function unary(
  name: string,
  fn: (v: number[], degree: number) => unknown,
  type: DataType = F,
): ScalarFunctionDef {
  return scalar(name, [1, 2], ([v, d]) => ({
    type,
    nullable: true,
    args: [vectorArg(name, 0, v), ...(d === undefined ? [] : [implicitCast(name, 1, d, F)])],
    impl: {
      kind: 'fn',
      fn: (x: Vec, degree = 2) => (hasNull(x) ? null : fn(x as number[], degree)),
    },
  }))
}

function binary(name: string, fn: (a: number[], b: number[]) => number | null): ScalarFunctionDef {
  return scalar(name, [2, 2], ([a, b]) => ({
    type: F,
    nullable: true,
    args: [vectorArg(name, 0, a), vectorArg(name, 1, b)],
    impl: {
      kind: 'fn',
      fn: (x: Vec, y: Vec) => {
        sameDimension(name, x, y)
        if (hasNull(x) || hasNull(y)) return null
        const r = fn(x as number[], y as number[])
        return r === null ? null : Math.fround(r)
      },
    },
  }))
}

/** Adds `v` into the running sum `acc` (null before the first vector); returns the new sum. */
function addVector(name: string, acc: number[] | null, v: Vec): number[] | null {
  if (hasNull(v)) return acc
  if (acc === null) return [...(v as number[])]
  sameDimension(name, acc, v)
  return acc.map((x, i) => x + (v[i] as number))
}

function vectorAggregate(name: 'vector_sum' | 'vector_avg'): AggregateFunctionDef {
  return aggregateDef(name, [1, 1], ([a]) => {
    if (a.type.kind !== 'array' || a.type.element.kind !== 'float')
      throw argTypeError(name, 0, a, 'array<float>')
    const avg = name === 'vector_avg'
    return {
      type: VEC,
      nullable: true,
      args: [a],
      impl: {
        init: ['null', '0'],
        update: ([s, n], [v]) =>
          `{ const next = add(${JSON.stringify(name)}, ${s}, ${v}); if (next !== ${s}) { ${s} = next; ${n}++ } }`,
        merge: ([s, n], [s2, n2]) =>
          `if (${s2} !== null) { ${s} = add(${JSON.stringify(name)}, ${s}, ${s2}); ${n} += ${n2} }`,
        finish: ([s, n]) => `${s} === null ? null : ${s}.map((x) => Math.fround(${avg ? `x / ${n}` : 'x'}))`,
        helpers: { add: addVector },
      },
    }
  })
}

export const VECTOR_FUNCTIONS = [
  unary('vector_norm', (v, degree) => Math.fround(norm(v, degree))),
  unary(
    'vector_normalize',
    (v, degree) => {
      const n = norm(v, degree)
      return n === 0 ? null : v.map((x) => Math.fround(x / n))
    },
    VEC,
  ),
  binary('vector_inner_product', dot),
  binary('vector_l2_distance', (a, b) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0))),
  binary('vector_cosine_similarity', (a, b) => {
    const d = norm(a, 2) * norm(b, 2)
    return d === 0 ? null : dot(a, b) / d
  }),
  vectorAggregate('vector_sum'),
  vectorAggregate('vector_avg'),
] as const
