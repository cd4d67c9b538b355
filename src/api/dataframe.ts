/**
 * DataFrame<R>: an immutable, typed view of a logical plan. Each transformation adds one plan
 * node and returns a new DataFrame; actions (collect, count, show) run it through the engine.
 */
import { invalidArgument, SluiceError } from '../errors.ts'
import { columnExpr, type Expr, type SortOrderExpr, sortOrderExpr, splitName } from '../plan/expr.ts'
import { isStreamingPlan, type JoinType, type LogicalPlan, node } from '../plan/logical-plan.ts'
import { parseExpression } from '../plan/sql/expr-parser.ts'
import { parseInterval } from '../plan/sql/interval.ts'
import type { DataType, InferRow, InferValue, StructType } from '../schema/data-type.ts'
import { treeString } from '../schema/print-schema.ts'
import { compileRowDecoder } from '../schema/row-codec.ts'
import { checkDeadLetterName, checkLateRowsName } from '../util/folder-name.ts'
import { formatTable, type ShowOptions } from '../util/table-format.ts'
import { Column, type ColumnOrValue, toExpr } from './column.ts'
import { DataFrameWriter } from './data-frame-writer.ts'
import { DataStreamWriter } from './data-stream-writer.ts'
import type { QueryEngine } from './engine.ts'
import { type ColumnLike, columnExprOf } from './functions.ts'
import { GroupedData } from './grouped-data.ts'
import { KeyValueGroupedData } from './key-value-grouped-data.ts'
import { attachObservation, type Observation } from './observation.ts'
import type { AggRow, Prettify, Row, SelectRow, WithColumnRow } from './row-types.ts'

const JOIN_TYPES: Record<string, JoinType> = {
  inner: 'inner',
  cross: 'cross',
  outer: 'full',
  full: 'full',
  fullouter: 'full',
  full_outer: 'full',
  left: 'left',
  leftouter: 'left',
  left_outer: 'left',
  right: 'right',
  rightouter: 'right',
  right_outer: 'right',
  semi: 'left_semi',
  leftsemi: 'left_semi',
  left_semi: 'left_semi',
  anti: 'left_anti',
  leftanti: 'left_anti',
  left_anti: 'left_anti',
}

export class DataFrame<R extends object = Row> {
  readonly plan: LogicalPlan
  private readonly engine: QueryEngine

  constructor(plan: LogicalPlan, engine: QueryEngine) {
    this.plan = plan
    this.engine = engine
  }

  // Analysis is eager, as in classic Spark: a transformation that names an unknown column or mixes
  // types fails where it is written, not at the action (Spark Connect, the remote engine, waits for
  // the action, as Spark's own client does). It analyzes the whole plan again each time; plans are
  // small beside the data, and the analyzed plan is not kept because the session's configuration may
  // change before the action.
  private with<T extends object = R>(plan: LogicalPlan): DataFrame<T> {
    if (this.engine.eagerAnalysis) this.engine.schemaOf(plan)
    return new DataFrame<T>(plan, this.engine)
  }

  /** The schema (analyzes the plan, so analysis errors surface here). @example df.schema.fields */
  get schema(): StructType {
    return this.engine.schemaOf(this.plan)
  }
  /** Column names. @example df.columns */
  get columns(): string[] {
    return this.schema.fields.map((f) => f.name)
  }
  /** True when the DataFrame reads a stream (run it with writeStream). @example df.isStreaming */
  get isStreaming(): boolean {
    return isStreamingPlan(this.plan)
  }
  /**
   * The builder of a batch write to files.
   * @example await df.write.format('parquet').mode('overwrite').save('/data/out')
   */
  get write(): DataFrameWriter {
    if (this.isStreaming)
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        "'write' can not be called on streaming Dataset/DataFrame: use writeStream.",
      )
    return new DataFrameWriter(this.engine, this.plan)
  }
  /**
   * The builder that starts a streaming query over this DataFrame.
   * @example await df.writeStream.format('console').start()
   */
  get writeStream(): DataStreamWriter<R> {
    return new DataStreamWriter<R>(this.engine, {
      plan: this.plan,
      format: undefined,
      options: {},
      outputMode: 'append',
      queryName: undefined,
      trigger: undefined,
      foreachBatch: undefined,
      foreach: undefined,
    })
  }
  /** Prints the schema as a tree. @example df.printSchema() */
  printSchema(): void {
    this.engine.print(treeString(this.schema))
  }
  /** A column bound to this DataFrame (unambiguous after joins). @example a.join(b, a.col('id').eq(b.col('id'))) */
  col(name: string): Column {
    return new Column(columnExpr(splitName(name), this.plan.id))
  }

  /**
   * Projects columns. Column names and aliased columns give a typed row; other expressions give `Row`.
   * @example df.select('a', col('b').plus(1).alias('b1')) // DataFrame<{ a: ...; b1: unknown }>
   */
  select<const I extends readonly ((keyof R & string) | Column<any>)[]>(
    ...cols: I
  ): DataFrame<SelectRow<R, I>>
  select(...cols: (ColumnLike | ColumnLike[])[]): DataFrame
  select(...cols: (ColumnLike | ColumnLike[])[]): DataFrame {
    return this.with(node('project', { exprs: cols.flat().map(columnExprOf), child: this.plan }))
  }
  /** Select with Spark SQL expressions. @example df.selectExpr('price * 0.908 AS euros') */
  selectExpr(...exprs: string[]): DataFrame {
    return this.with(node('project', { exprs: exprs.map(parseExpression), child: this.plan }))
  }
  /** @example df.filter(col('price').gt(100)) or df.filter('price > 100') */
  filter(condition: Column | string): DataFrame<R> {
    const e = typeof condition === 'string' ? parseExpression(condition) : condition.expr
    return this.with(node('filter', { condition: e, child: this.plan }))
  }
  /** Alias of filter(). @example df.where('price > 100') */
  where(condition: Column | string): DataFrame<R> {
    return this.filter(condition)
  }
  /** Adds or replaces a column. @example df.withColumn('euros', col('price').multiply(0.908)) */
  withColumn<N extends string, T>(name: N, value: Column<T>): DataFrame<WithColumnRow<R, N, T>> {
    const names = this.columns
    const exists = names.some((n) => n.toLowerCase() === name.toLowerCase())
    const items: Expr[] = names.map((n) =>
      n.toLowerCase() === name.toLowerCase() ? value.alias(name).expr : quoted(n),
    )
    if (!exists) items.push(value.alias(name).expr)
    return this.with<WithColumnRow<R, N, T>>(node('project', { exprs: items, child: this.plan }))
  }
  /** @example df.withColumnRenamed('price', 'amount') */
  withColumnRenamed(existing: string, name: string): DataFrame {
    const items = this.columns.map((n) =>
      n === existing ? new Column(quoted(n)).alias(name).expr : quoted(n),
    )
    return this.with(node('project', { exprs: items, child: this.plan }))
  }
  /** Drops columns by name (unknown names are ignored, as in Spark). @example df.drop('extra') */
  drop<K extends string>(...names: K[]): DataFrame<Prettify<Omit<R, K>>> {
    const gone = new Set(names.map((n) => n.toLowerCase()))
    return this.with<Prettify<Omit<R, K>>>(
      node('project', {
        exprs: this.columns.filter((n) => !gone.has(n.toLowerCase())).map(quoted),
        child: this.plan,
      }),
    )
  }
  /** Groups by columns; grouping by names keeps their types in `agg()`'s row type. @example df.groupBy('category').agg(avg('price')) */
  groupBy<const K extends readonly (keyof R & string)[]>(...cols: K): GroupedData<Pick<R, K[number]>>
  groupBy(...cols: (ColumnLike | ColumnLike[])[]): GroupedData
  groupBy(...cols: (ColumnLike | ColumnLike[])[]): GroupedData<any> {
    return new GroupedData(this.plan, cols.flat().map(columnExprOf), (p) => this.with(p))
  }
  /** Aggregate over all rows. @example df.agg(count('*').alias('n')) // DataFrame<{ n: number }> */
  agg<const A extends readonly Column<any>[]>(...cols: A): DataFrame<AggRow<{}, A>> {
    return this.groupBy().agg(...cols) as unknown as DataFrame<AggRow<{}, A>>
  }
  /** @example df.orderBy(desc('price'), 'id') */
  orderBy(...cols: (ColumnLike | ColumnLike[])[]): DataFrame<R> {
    const orders: SortOrderExpr[] = cols.flat().map((x) => {
      const e = columnExprOf(x)
      return e.kind === 'sortOrder' ? e : sortOrderExpr(e, true)
    })
    return this.with(node('sort', { orders, child: this.plan }))
  }
  /** Alias of orderBy(). @example df.sort('id') */
  sort(...cols: (ColumnLike | ColumnLike[])[]): DataFrame<R> {
    return this.orderBy(...cols)
  }
  /** @example df.limit(10) */
  limit(n: number): DataFrame<R> {
    if (!Number.isInteger(n) || n < 0)
      throw invalidArgument(`limit(${n}): the limit must be a non-negative integer.`)
    return this.with(node('limit', { n, child: this.plan }))
  }
  /** @example df.distinct() */
  distinct(): DataFrame<R> {
    return this.with(node('deduplicate', { columns: null, child: this.plan }))
  }
  /** Keeps the first row of each key. @example df.dropDuplicates(['user']) */
  dropDuplicates(cols?: string[]): DataFrame<R> {
    return this.with(node('deduplicate', { columns: cols ?? null, child: this.plan }))
  }
  /**
   * Drops rows whose key was seen within the watermark's delay before (Spark 3.5's
   * dropDuplicatesWithinWatermark); on a stream it needs withWatermark first.
   *
   * @example events.withWatermark('ts', '1 hour').dropDuplicatesWithinWatermark(['eventId'])
   */
  dropDuplicatesWithinWatermark(cols?: string[]): DataFrame<R> {
    return this.with(node('deduplicate', { columns: cols ?? null, withinWatermark: true, child: this.plan }))
  }
  /**
   * Declares `eventTime` the stream's event-time column: the watermark is the largest event time
   * seen minus `delay`, and stateful operators drop rows behind it and evict state it has passed.
   * `idleTimeout` (beyond Spark): after this much processing time without rows, this input stops
   * holding the query's watermark back. `lateRows` (beyond Spark): the rows of this stream that a
   * stateful operator drops for being behind the watermark are kept, with the reason and the
   * watermark, in the query's checkpoint under this name, and can be read as a stream with
   * `readStream.format('late-rows')` (see the README's Stateful streaming section). A no-op on batch DataFrames.
   *
   * @example events.withWatermark('ts', '10 minutes')
   * @example events.withWatermark('ts', '10 minutes', { idleTimeout: '1 minute' })
   * @example events.withWatermark('ts', '10 minutes', { lateRows: 'late-events' })
   */
  withWatermark(
    eventTime: string,
    delay: string,
    opts: { idleTimeout?: string; lateRows?: string } = {},
  ): DataFrame<R> {
    const delayMs = parseInterval(delay)
    if (delayMs < 0)
      throw invalidArgument(`withWatermark('${eventTime}', '${delay}'): the delay must not be negative.`)
    let idleTimeoutMs: number | undefined
    if (opts.idleTimeout !== undefined) {
      idleTimeoutMs = parseInterval(opts.idleTimeout)
      if (idleTimeoutMs <= 0)
        throw invalidArgument(`withWatermark idleTimeout '${opts.idleTimeout}' must be positive.`)
    }
    const lateRows = opts.lateRows === undefined ? undefined : checkLateRowsName(opts.lateRows)
    return this.with(
      node('watermark', { column: eventTime, delayMs, idleTimeoutMs, lateRows, child: this.plan }),
    )
  }
  /**
   * Beyond Spark: rows where `condition` is true leave the stream for the dead-letter output `name`
   * (kept in the query's checkpoint; read it with `readStream.format('dead-letter')`), with `raw`
   * (default: the `value` column as text, else the row as JSON), `error` (default: the condition),
   * and the Kafka position when the row has `topic`, `partition` and `offset`. Streams only.
   *
   * @example parsed.deadLetter('bad-json', col('j._corrupt_record').isNotNull(), { raw: col('j._corrupt_record') })
   */
  deadLetter(
    name: string,
    condition: Column,
    opts: { raw?: ColumnOrValue; error?: ColumnOrValue } = {},
  ): DataFrame<R> {
    return this.with(
      node('deadLetter', {
        name: checkDeadLetterName(name),
        condition: condition.expr,
        raw: opts.raw === undefined ? undefined : toExpr(opts.raw),
        error: opts.error === undefined ? undefined : toExpr(opts.error),
        child: this.plan,
      }),
    )
  }
  /**
   * Spark's observable metrics: aggregates over the rows that pass this point. On a stream they are
   * computed per micro-batch and reported in progress (`query.lastProgress.observedMetrics[name]`);
   * on a batch DataFrame, pass an `Observation` and read `observation.get` after an action. Metrics
   * must be aggregates (`count('*')`, `max(col('v'))`, `sum('v').multiply(2)`) or literals, and each
   * observe() of a query needs its own name.
   *
   * @example events.observe('events', count('*').alias('rows'), max('price').alias('top'))
   * @example const stats = new Observation('stats'); df.observe(stats, count('*').alias('rows')).collect(); stats.get.rows
   */
  observe(observation: string | Observation, ...metrics: Column[]): DataFrame<R> {
    if (metrics.length === 0)
      throw new SluiceError(
        'CANNOT_BE_EMPTY',
        `observe(${typeof observation === 'string' ? `'${observation}'` : 'observation'}): the metrics cannot be empty; pass at least one aggregate, e.g. count('*').`,
      )
    if (typeof observation !== 'string' && this.isStreaming)
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        'Observation does not support streaming DataFrames: a stream has metrics per micro-batch. Observe by name, observe(name, ...), and read them from query.lastProgress.observedMetrics, query.recentProgress or a StreamingQueryListener.',
      )
    const handle = typeof observation === 'string' ? undefined : observation[attachObservation]()
    const name = typeof observation === 'string' ? observation : observation.name
    return this.with(
      node('observe', { name, metrics: metrics.map((m) => m.expr), observation: handle, child: this.plan }),
    )
  }
  /** Rows of both, by position (UNION ALL). @example a.union(b) */
  union(other: DataFrame<R>): DataFrame<R> {
    return this.with(
      node('union', { byName: false, allowMissingColumns: false, left: this.plan, right: other.plan }),
    )
  }
  /** Rows of both, matching columns by name. @example a.unionByName(b, { allowMissingColumns: true }) */
  unionByName(other: DataFrame, opts: { allowMissingColumns?: boolean } = {}): DataFrame<R> {
    return this.with(
      node('union', {
        byName: true,
        allowMissingColumns: opts.allowMissingColumns ?? false,
        left: this.plan,
        right: other.plan,
      }),
    )
  }
  /** Gives the DataFrame a name to qualify its columns: `col('l.id')`. @example df.alias('l') */
  alias(name: string): DataFrame<R> {
    return this.with(node('alias', { alias: name, child: this.plan }))
  }
  /**
   * Joins on a condition, or on same-named columns (which then appear once).
   * @example orders.join(users, orders.col('user').eq(users.col('id')), 'left')
   */
  join(other: DataFrame, on?: Column | string | string[], how = 'inner'): DataFrame {
    const joinType = JOIN_TYPES[how.toLowerCase()]
    if (joinType === undefined)
      throw invalidArgument(
        `Unknown join type '${how}'. Use one of: inner, left, right, full, left_semi, left_anti, cross.`,
      )
    const using = typeof on === 'string' ? [on] : Array.isArray(on) ? on : null
    const condition = on instanceof Column ? on.expr : null
    return this.with(node('join', { joinType, condition, using, left: this.plan, right: other.plan }))
  }
  /** Cartesian product. @example a.crossJoin(b) */
  crossJoin(other: DataFrame): DataFrame {
    return this.join(other, undefined, 'cross')
  }
  /**
   * Groups rows by the key `fn` computes (of type `keyType`), for `mapGroupsWithState` /
   * `flatMapGroupsWithState` (Spark's groupByKey).
   *
   * @example df.groupByKey((r) => r.user, t.string()).mapGroupsWithState(fn, { stateSchema, outputSchema })
   */
  groupByKey<KT extends DataType>(
    fn: (row: R) => InferValue<KT> | null,
    keyType: KT,
  ): KeyValueGroupedData<InferValue<KT> | null, R> {
    return new KeyValueGroupedData(this.plan, fn, keyType, (p) => this.with(p))
  }
  /** Typed map over rows: `fn` returns an object of `schema`. @example df.map((r) => ({ id: r.id, n: 1 }), S) */
  map<S extends StructType>(fn: (row: R) => InferRow<S>, schema: S): DataFrame<InferRow<S>> {
    return this.with(node('mapRows', { fn, flat: false, schema, child: this.plan }))
  }
  /** Typed flatMap: `fn` returns any iterable of objects of `schema`. @example df.flatMap((r) => r.tags.map((t) => ({ t })), S) */
  flatMap<S extends StructType>(fn: (row: R) => Iterable<InferRow<S>>, schema: S): DataFrame<InferRow<S>> {
    return this.with(node('mapRows', { fn, flat: true, schema, child: this.plan }))
  }

  /** Runs the query and returns every row as an object. @example const rows = df.collect() */
  collect(): R[] {
    const decode = compileRowDecoder(this.schema)
    return this.engine.execute(this.plan).map((r) => decode(r) as R)
  }
  /** The first n rows. @example df.take(5) */
  take(n: number): R[] {
    return this.limit(n).collect()
  }
  /** Number of rows. @example df.count() */
  count(): number {
    return this.engine.execute(this.plan).length
  }
  /** Prints the first rows as Spark does. @example df.show(5, { truncate: false }) */
  show(n = 20, opts: Omit<ShowOptions, 'n'> = {}): void {
    const schema = this.schema
    const rows = this.engine.execute(node('limit', { n: n + 1, child: this.plan }))
    const render = this.engine.renderCell(schema)
    this.engine.print(
      formatTable(
        schema.fields.map((f) => f.name),
        rows.slice(0, n).map(render),
        rows.length > n,
        { ...opts, n },
      ),
    )
  }
  /** Prints the analyzed and physical plans. @example df.explain(true) */
  explain(extended: boolean | 'simple' | 'extended' | 'codegen' = false): void {
    const mode = extended === true ? 'extended' : extended === false ? 'simple' : extended
    this.engine.print(this.engine.explain(this.plan, mode))
  }
}

const quoted = (name: string): Expr => columnExpr([name])

export { type ColumnOrValue, toExpr }
