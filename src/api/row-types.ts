/**
 * Row-type inference for select(), withColumn(), drop() and groupBy().agg(): string items take
 * their type from the input row, aliased columns from their phantom value type. When an item's
 * name or type cannot be known statically (an unaliased expression), the result is the loose
 * `Row` rather than a wrong type.
 */
import type { Column, NamedColumn } from './column.ts'

export type Row = Record<string, unknown>

export type Prettify<T> = { [K in keyof T]: T[K] } & {}
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never

/** The one-field row an item contributes, or never when it cannot be known. */
type ItemRow<R, I> =
  I extends NamedColumn<infer N, infer T>
    ? { [P in N]: T }
    : I extends Column<any>
      ? never
      : I extends keyof R & string
        ? { [P in I]: R[I] }
        : never

type ItemRows<R, I extends readonly unknown[]> = { [K in keyof I]: ItemRow<R, I[K]> }
type HasNever<T extends readonly unknown[]> = true extends {
  [K in keyof T]: [T[K]] extends [never] ? true : false
}[number]
  ? true
  : false

/** The row type of `select(...items)` over rows of type `R`. */
export type SelectRow<R, I extends readonly unknown[]> =
  HasNever<ItemRows<R, I>> extends true ? Row : Prettify<UnionToIntersection<ItemRows<R, I>[number]>>

/** `R` with column `N` added or replaced by a value of type `T`. */
export type WithColumnRow<R, N extends string, T> = Prettify<Omit<R, N> & { [P in N]: T }>

/** The row type of `groupBy(keys).agg(...aggs)`: the key columns, then the aggregates. */
export type AggRow<K, A extends readonly unknown[]> =
  SelectRow<{}, A> extends infer X ? (Row extends X ? Row : Prettify<K & X>) : never
