/**
 * Column: a thin immutable wrapper over an unresolved expression. Each method builds one new node.
 */

import { invalidArgument } from '../errors.ts'
import {
  aliasExpr,
  callExpr,
  caseExpr,
  castExpr,
  type Expr,
  literalExpr,
  sortOrderExpr,
} from '../plan/expr.ts'
import { parseType } from '../plan/sql/type-parser.ts'
import { type DataType, t } from '../schema/data-type.ts'

/** A column whose output name is known to the type system (made by `alias`). */
export interface NamedColumn<N extends string, T = unknown> extends Column<T> {
  readonly __columnName: N
}

/** A value usable where a column is expected: a Column, or a literal. */
export type ColumnOrValue = Column<any> | string | number | boolean | null | Uint8Array

/**
 * A column expression. `T` is the TypeScript type of its values where the API knows it (a
 * phantom: nothing is stored), so `select`/`agg` can infer row types.
 */
export class Column<T = unknown> {
  /** The expression this column stands for. */
  readonly expr: Expr
  declare readonly __valueType: T
  constructor(expr: Expr) {
    this.expr = expr
  }

  /** Names the column; the name becomes part of the row type. @example col('price').alias('p') */
  alias<N extends string>(name: N): NamedColumn<N, T> {
    return new Column(aliasExpr(this.expr, name)) as NamedColumn<N, T>
  }
  /** Same as alias(). @example col('price').as('p') */
  as<N extends string>(name: N): NamedColumn<N, T> {
    return this.alias(name)
  }
  /** @example col('a').plus(1) */
  plus(o: ColumnOrValue): Column {
    return this.op('+', o)
  }
  /** @example col('a').minus(1) */
  minus(o: ColumnOrValue): Column {
    return this.op('-', o)
  }
  /** @example col('a').multiply(2) */
  multiply(o: ColumnOrValue): Column {
    return this.op('*', o)
  }
  /** Fractional division, always. @example col('a').divide(2) */
  divide(o: ColumnOrValue): Column {
    return this.op('/', o)
  }
  /** Remainder with the dividend's sign. @example col('a').mod(3) */
  mod(o: ColumnOrValue): Column {
    return this.op('%', o)
  }
  /** @example col('a').eq(1) */
  eq(o: ColumnOrValue): Column {
    return this.op('=', o)
  }
  /** Null-safe equality (`<=>`). @example col('a').eqNullSafe(null) */
  eqNullSafe(o: ColumnOrValue): Column {
    return this.op('<=>', o)
  }
  /** @example col('a').neq(1) */
  neq(o: ColumnOrValue): Column {
    return this.op('!=', o)
  }
  /** @example col('a').lt(1) */
  lt(o: ColumnOrValue): Column {
    return this.op('<', o)
  }
  /** @example col('a').leq(1) */
  leq(o: ColumnOrValue): Column {
    return this.op('<=', o)
  }
  /** @example col('a').gt(1) */
  gt(o: ColumnOrValue): Column {
    return this.op('>', o)
  }
  /** @example col('a').geq(1) */
  geq(o: ColumnOrValue): Column {
    return this.op('>=', o)
  }
  /** @example col('a').gt(1).and(col('b').isNotNull()) */
  and(o: ColumnOrValue): Column {
    return this.op('and', o)
  }
  /** @example col('a').isNull().or(col('b')) */
  or(o: ColumnOrValue): Column {
    return this.op('or', o)
  }
  /** @example col('flag').not() */
  not(): Column {
    return new Column(callExpr('not', [this.expr]))
  }
  /** @example col('a').negate() */
  negate(): Column {
    return new Column(callExpr('negative', [this.expr]))
  }
  /** @example col('a').isNull() */
  isNull(): Column {
    return new Column(callExpr('isnull', [this.expr]))
  }
  /** @example col('a').isNotNull() */
  isNotNull(): Column {
    return new Column(callExpr('isnotnull', [this.expr]))
  }
  /** @example col('x').isNaN() */
  isNaN(): Column {
    return new Column(callExpr('isnan', [this.expr]))
  }
  /** @example col('state').isin('OR', 'ID', 'CA') */
  isin(...values: ColumnOrValue[]): Column {
    const flat = values.length === 1 && Array.isArray(values[0]) ? (values[0] as ColumnOrValue[]) : values
    return new Column(callExpr('in', [this.expr, ...flat.map(toExpr)]))
  }
  /** Inclusive range. @example col('price').between(10, 20) */
  between(lower: ColumnOrValue, upper: ColumnOrValue): Column {
    return new Column(callExpr('between', [this.expr, toExpr(lower), toExpr(upper)]))
  }
  /** SQL LIKE with `%` and `_`. @example col('name').like('Jo%') */
  like(pattern: string): Column {
    return this.op('like', pattern)
  }
  /** Regular-expression search. @example col('url').rlike('channel_id=\\d+') */
  rlike(pattern: string): Column {
    return this.op('rlike', pattern)
  }
  /** @example col('name').startsWith('Jo') */
  startsWith(o: ColumnOrValue): Column {
    return this.op('startswith', o)
  }
  /** @example col('name').endsWith('n') */
  endsWith(o: ColumnOrValue): Column {
    return this.op('endswith', o)
  }
  /** @example col('name').contains('oh') */
  contains(o: ColumnOrValue): Column {
    return this.op('contains', o)
  }
  /** 1-based substring. @example col('name').substr(1, 3) */
  substr(pos: number, len: number): Column {
    return new Column(callExpr('substring', [this.expr, toExpr(pos), toExpr(len)]))
  }
  /** A struct field. @example col('person').getField('name') */
  getField(name: string): Column {
    return new Column(callExpr('get_field', [this.expr, literalExpr(name, t.string())]))
  }
  /** Array element (0-based) or map value. @example col('tags').getItem(0) */
  getItem(key: ColumnOrValue): Column {
    return new Column(callExpr('subscript', [this.expr, toExpr(key)]))
  }
  /** ANSI cast (invalid input is an error). @example col('n').cast('bigint') */
  cast(to: DataType | string): Column {
    return new Column(castExpr(this.expr, typeof to === 'string' ? parseType(to) : to))
  }
  /** Cast giving NULL on invalid input. @example col('s').try_cast('int') */
  try_cast(to: DataType | string): Column {
    return new Column(castExpr(this.expr, typeof to === 'string' ? parseType(to) : to, 'try'))
  }
  /** @example col('a').asc() */
  asc(): Column {
    return new Column(sortOrderExpr(this.expr, true, true))
  }
  /** @example col('a').asc_nulls_last() */
  asc_nulls_last(): Column {
    return new Column(sortOrderExpr(this.expr, true, false))
  }
  /** @example col('a').desc() */
  desc(): Column {
    return new Column(sortOrderExpr(this.expr, false, false))
  }
  /** @example col('a').desc_nulls_first() */
  desc_nulls_first(): Column {
    return new Column(sortOrderExpr(this.expr, false, true))
  }
  /** Adds a branch to a when() chain. @example when(col('a').gt(1), 'big').when(col('a').gt(0), 'small') */
  when(condition: Column, value: ColumnOrValue): Column {
    const e = this.expr
    if (e.kind !== 'case' || e.otherwise !== null)
      throw invalidArgument('when() can only follow when(); start a chain with the when() function.')
    return new Column(caseExpr([...e.branches, { when: condition.expr, then: toExpr(value) }], null))
  }
  /** The value when no branch matches. @example when(col('a').gt(1), 'big').otherwise('small') */
  otherwise(value: ColumnOrValue): Column {
    const e = this.expr
    if (e.kind !== 'case' || e.otherwise !== null)
      throw invalidArgument('otherwise() can only follow when(), once.')
    return new Column(caseExpr(e.branches, toExpr(value)))
  }

  private op(name: string, o: ColumnOrValue): Column {
    return new Column(callExpr(name, [this.expr, toExpr(o)]))
  }
}

/** A literal's expression with the type Spark would infer for the JS value. */
export function literalOf(v: unknown): Expr {
  if (v === null || v === undefined) return literalExpr(null, t.null())
  switch (typeof v) {
    case 'string':
      return literalExpr(v, t.string())
    case 'boolean':
      return literalExpr(v, t.boolean())
    case 'number':
      if (Number.isInteger(v) && !Object.is(v, -0))
        return literalExpr(v, v >= -2147483648 && v <= 2147483647 ? t.int() : t.long())
      return literalExpr(v, t.double())
    default:
      if (v instanceof Uint8Array) return literalExpr(v, t.binary())
      if (v instanceof Date) return literalExpr(v.getTime(), t.timestamp())
      throw invalidArgument(
        `Cannot make a literal from ${Object.prototype.toString.call(v)}; use lit() with a string, number, boolean, Date, Uint8Array or null.`,
      )
  }
}

/** Columns pass through; plain values become literals. */
export function toExpr(v: ColumnOrValue | Column): Expr {
  return v instanceof Column ? v.expr : literalOf(v)
}
