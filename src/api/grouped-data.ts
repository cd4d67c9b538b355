import { invalidArgument } from '../errors.ts'
import type { Expr } from '../plan/expr.ts'
import { callExpr } from '../plan/expr.ts'
import { type LogicalPlan, node } from '../plan/logical-plan.ts'
import { Column } from './column.ts'
import type { DataFrame } from './dataframe.ts'
import type { AggRow, Row } from './row-types.ts'

/** The result of groupBy(): aggregate it with agg() or a shortcut (count, sum, ...). `K` is the key row. */
export class GroupedData<K extends object = Row> {
  declare readonly __keyRow: K
  private readonly child: LogicalPlan
  private readonly keys: readonly Expr[]
  private readonly make: (p: LogicalPlan) => DataFrame

  constructor(child: LogicalPlan, keys: readonly Expr[], make: (p: LogicalPlan) => DataFrame) {
    this.child = child
    this.keys = keys
    this.make = make
  }

  /**
   * Output: the grouping columns, then one column per aggregate.
   * @example df.groupBy('category').agg(count('*').alias('n'), max('price'))
   */
  agg<const A extends readonly Column<any>[]>(...aggs: A): DataFrame<AggRow<K, A>>
  agg(...aggs: (Column<any> | Record<string, string>)[]): DataFrame
  agg(...aggs: (Column<any> | Record<string, string>)[]): DataFrame {
    const exprs = aggs.flatMap((a) =>
      a instanceof Column
        ? [a.expr]
        : Object.entries(a).map(([column, fn]) =>
            callExpr(fn, [new Column({ kind: 'column', parts: [column] }).expr]),
          ),
    )
    if (exprs.length === 0) throw invalidArgument('agg() needs at least one aggregate, e.g. agg(count("*")).')
    return this.make(
      node('aggregate', { groupBy: this.keys, aggs: [...this.keys, ...exprs], child: this.child }),
    )
  }
  /** Rows per group, as column `count`. @example df.groupBy('k').count() */
  count(): DataFrame {
    return this.agg(
      new Column(callExpr('count', [{ kind: 'literal', value: 1, type: { kind: 'int' } }])).alias('count'),
    )
  }
  /** @example df.groupBy('k').sum('v') */
  sum(...cols: string[]): DataFrame {
    return this.shortcut('sum', cols)
  }
  /** @example df.groupBy('k').avg('v') */
  avg(...cols: string[]): DataFrame {
    return this.shortcut('avg', cols)
  }
  /** @example df.groupBy('k').min('v') */
  min(...cols: string[]): DataFrame {
    return this.shortcut('min', cols)
  }
  /** @example df.groupBy('k').max('v') */
  max(...cols: string[]): DataFrame {
    return this.shortcut('max', cols)
  }

  private shortcut(fn: string, cols: string[]): DataFrame {
    return this.agg(...cols.map((c) => new Column(callExpr(fn, [{ kind: 'column', parts: [c] }]))))
  }
}
