/**
 * RemoteDataFrame<R>: the DataFrame of a remote session. Transformations are the API's own DataFrame
 * methods (so the logical plan is exactly the one embedded builds); actions translate the plan to
 * Spark Connect, run it on Spark and decode the Arrow result into the same typed rows as embedded.
 * Actions are asynchronous here: the rows come over the network.
 */
import type { Column } from '../api/column.ts'
import type { DataFrame } from '../api/dataframe.ts'
import type { ColumnLike } from '../api/functions.ts'
import type { GroupedData } from '../api/grouped-data.ts'
import type { AggRow, Prettify, Row, SelectRow, WithColumnRow } from '../api/row-types.ts'
import { SluiceError } from '../errors.ts'
import { aliasExpr, callExpr, literalExpr } from '../plan/expr.ts'
import { type LogicalPlan, node } from '../plan/logical-plan.ts'
import { type DataType, type InferRow, type StructType, t } from '../schema/data-type.ts'
import { treeString } from '../schema/print-schema.ts'
import { compileRowDecoder } from '../schema/row-codec.ts'
import { formatTable, type ShowOptions } from '../util/table-format.ts'
import { RemoteDataFrameWriter, type RemoteWrite } from './remote-data-frame-writer.ts'
import { RemoteDataStreamWriter, type RemoteStreamStart } from './remote-stream-writer.ts'
import type { RemoteStreamingQuery } from './remote-streaming-query.ts'

/** What a RemoteDataFrame needs from its session. */
export interface RemoteRunner {
  /** Runs the plan on Spark: Spark's result schema and positional rows in Sluice's representation. */
  run(plan: LogicalPlan): Promise<{ schema: StructType; rows: unknown[][] }>
  /** Spark's explain text for the plan. */
  explain(plan: LogicalPlan, mode: 'simple' | 'extended' | 'codegen' | 'formatted'): Promise<string>
  renderCell(schema: StructType): (row: readonly unknown[]) => (string | null)[]
  print(text: string): void
  /** Whether the plan reads a stream (a remote readStream). */
  isStreaming(plan: LogicalPlan): boolean
  startStream(spec: RemoteStreamStart): Promise<RemoteStreamingQuery>
  write(spec: RemoteWrite): Promise<void>
}

export class RemoteDataFrame<R extends object = Row> {
  /** The API DataFrame that builds the plan (the same builder as embedded). */
  readonly local: DataFrame<R>
  private readonly runner: RemoteRunner

  constructor(local: DataFrame<R>, runner: RemoteRunner) {
    this.local = local
    this.runner = runner
  }

  private wrap<T extends object>(df: DataFrame<T>): RemoteDataFrame<T> {
    return new RemoteDataFrame(df, this.runner)
  }

  /** The logical plan (the same one Sluice.local() would build). @example df.plan.kind */
  get plan(): LogicalPlan {
    return this.local.plan
  }
  /** Column names, from the plan as Sluice resolves it. @example df.columns */
  get columns(): string[] {
    return this.local.columns
  }
  /** True when the DataFrame reads a stream (run it with writeStream). @example df.isStreaming */
  get isStreaming(): boolean {
    return this.runner.isStreaming(this.plan)
  }
  /** The builder of a batch write, run by Spark. @example await df.write.mode('overwrite').parquet('/out') */
  get write(): RemoteDataFrameWriter {
    return new RemoteDataFrameWriter(this.runner, this.plan)
  }
  /**
   * Starts a streaming query on Spark into one of Spark's sinks.
   * @example await df.writeStream.format('memory').queryName('t').outputMode('complete').start()
   */
  get writeStream(): RemoteDataStreamWriter {
    return new RemoteDataStreamWriter(this.runner, {
      plan: this.plan,
      format: undefined,
      options: {},
      outputMode: 'append',
      queryName: undefined,
      trigger: undefined,
      partitionBy: [],
      path: undefined,
    })
  }
  /** A column bound to this DataFrame. @example a.join(b, a.col('id').eq(b.col('id'))) */
  col(name: string): Column {
    return this.local.col(name)
  }
  /** @example df.select('a', col('b').plus(1).alias('b1')) */
  select<const I extends readonly ((keyof R & string) | Column<any>)[]>(
    ...cols: I
  ): RemoteDataFrame<SelectRow<R, I>>
  select(...cols: (ColumnLike | ColumnLike[])[]): RemoteDataFrame
  select(...cols: (ColumnLike | ColumnLike[])[]): RemoteDataFrame {
    return this.wrap(this.local.select(...cols))
  }
  /** @example df.selectExpr('price * 2 AS double_price') */
  selectExpr(...exprs: string[]): RemoteDataFrame {
    return this.wrap(this.local.selectExpr(...exprs))
  }
  /** @example df.filter(col('price').gt(10)) */
  filter(condition: Column | string): RemoteDataFrame<R> {
    return this.wrap(this.local.filter(condition))
  }
  /** @example df.where('price > 10') */
  where(condition: Column | string): RemoteDataFrame<R> {
    return this.wrap(this.local.where(condition))
  }
  /** @example df.withColumn('total', col('price').multiply(col('qty'))) */
  withColumn<N extends string, T>(name: N, value: Column<T>): RemoteDataFrame<WithColumnRow<R, N, T>> {
    return this.wrap(this.local.withColumn(name, value))
  }
  /** @example df.withColumnRenamed('n', 'count') */
  withColumnRenamed(existing: string, name: string): RemoteDataFrame {
    return this.wrap(this.local.withColumnRenamed(existing, name))
  }
  /** @example df.drop('tmp') */
  drop<K extends string>(...names: K[]): RemoteDataFrame<Prettify<Omit<R, K>>> {
    return this.wrap(this.local.drop(...names))
  }
  /** @example df.groupBy('k').agg(count('*').alias('n')) */
  groupBy(...cols: (ColumnLike | ColumnLike[])[]): RemoteGroupedData {
    return new RemoteGroupedData(this.local.groupBy(...cols), this.runner)
  }
  /** Aggregates over all rows. @example df.agg(sum('x').alias('total')) */
  agg<const A extends readonly Column<any>[]>(...cols: A): RemoteDataFrame<AggRow<{}, A>> {
    return this.wrap(this.local.agg(...cols)) as RemoteDataFrame<AggRow<{}, A>>
  }
  /** @example df.orderBy(col('n').desc()) */
  orderBy(...cols: (ColumnLike | ColumnLike[])[]): RemoteDataFrame<R> {
    return this.wrap(this.local.orderBy(...cols))
  }
  /** @example df.sort('k') */
  sort(...cols: (ColumnLike | ColumnLike[])[]): RemoteDataFrame<R> {
    return this.wrap(this.local.sort(...cols))
  }
  /** @example df.limit(10) */
  limit(n: number): RemoteDataFrame<R> {
    return this.wrap(this.local.limit(n))
  }
  /** @example df.distinct() */
  distinct(): RemoteDataFrame<R> {
    return this.wrap(this.local.distinct())
  }
  /** @example df.dropDuplicates(['user']) */
  dropDuplicates(cols?: string[]): RemoteDataFrame<R> {
    return this.wrap(this.local.dropDuplicates(cols))
  }
  /** @example events.withWatermark('ts', '1 hour').dropDuplicatesWithinWatermark(['eventId']) */
  dropDuplicatesWithinWatermark(cols?: string[]): RemoteDataFrame<R> {
    return this.wrap(this.local.dropDuplicatesWithinWatermark(cols))
  }
  /** UNION ALL by position. @example a.union(b) */
  union(other: RemoteDataFrame<R>): RemoteDataFrame<R> {
    return this.wrap(this.local.union(other.local))
  }
  /** @example a.unionByName(b, { allowMissingColumns: true }) */
  unionByName(other: RemoteDataFrame, opts: { allowMissingColumns?: boolean } = {}): RemoteDataFrame<R> {
    return this.wrap(this.local.unionByName(other.local, opts))
  }
  /** @example df.alias('l') */
  alias(name: string): RemoteDataFrame<R> {
    return this.wrap(this.local.alias(name))
  }
  /** @example a.join(b, 'id', 'left') */
  join(other: RemoteDataFrame<any>, on?: Column | string | string[], how = 'inner'): RemoteDataFrame {
    return this.wrap(this.local.join(other.local, on, how))
  }
  /** @example a.crossJoin(b) */
  crossJoin(other: RemoteDataFrame<any>): RemoteDataFrame {
    return this.wrap(this.local.crossJoin(other.local))
  }
  /**
   * Spark's event-time watermark (a no-op for batch queries, as in Spark). Sluice's beyond-Spark
   * options (`idleTimeout`, `lateRows`) are refused when the query runs.
   * @example df.withWatermark('ts', '10 minutes')
   */
  withWatermark(
    eventTime: string,
    delay: string,
    opts: { idleTimeout?: string; lateRows?: string } = {},
  ): RemoteDataFrame<R> {
    return this.wrap(this.local.withWatermark(eventTime, delay, opts))
  }
  /**
   * Spark's observable metrics by name (Spark's CollectMetrics): on a stream, Spark reports them in
   * each batch's progress (`(await q.lastProgress())?.observedMetrics[name]`).
   * @example events.observe('events', count('*').alias('rows'))
   */
  observe(name: string, ...metrics: Column[]): RemoteDataFrame<R> {
    return this.wrap(this.local.observe(name, ...metrics))
  }
  /** Refused: dead-letter outputs are a Sluice feature. @example df.filter(col('j').isNotNull()) // keep the good rows */
  deadLetter(name: string, ..._rest: unknown[]): never {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `deadLetter('${name}', ...) cannot run on Spark through Sluice.remote (dead-letter outputs are a Sluice feature): ` +
        'filter the bad rows into a second query instead, or run on Sluice.local().',
    )
  }
  /** Refused: Spark cannot run JavaScript. @example df.select(upper(col('name'))) // instead of df.map(...) */
  map<S extends StructType>(_fn: (row: R) => InferRow<S>, _schema: S): never {
    throw jsFunction('map')
  }
  /**
   * Refused: the key function and the state functions after it (mapGroupsWithState,
   * flatMapGroupsWithState, transformWithState) are JavaScript, which Spark cannot run.
   * @example df.groupBy('user').agg(count('*')) // instead of groupByKey(...).mapGroupsWithState(...)
   */
  groupByKey(_fn: (row: R) => unknown, _keyType: DataType): never {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      'groupByKey with a JavaScript key function, and the JavaScript state functions after it (mapGroupsWithState, ' +
        'flatMapGroupsWithState, transformWithState), cannot run on Spark through Sluice.remote (Spark cannot run ' +
        'JavaScript): use groupBy with built-in aggregations, windows and dropDuplicates, or run on Sluice.local().',
    )
  }
  /** Refused: Spark cannot run JavaScript. @example df.select(explode(col('items'))) // instead of flatMap */
  flatMap<S extends StructType>(_fn: (row: R) => Iterable<InferRow<S>>, _schema: S): never {
    throw jsFunction('flatMap')
  }

  // ---- actions (run on Spark) ----

  /** Every row, as objects typed like embedded ones. @example const rows = await df.collect() */
  async collect(): Promise<R[]> {
    const { schema, rows } = await this.runner.run(this.plan)
    const decode = compileRowDecoder(schema)
    return rows.map((r) => decode(r) as R)
  }
  /** The first n rows. @example await df.take(5) */
  take(n: number): Promise<R[]> {
    return this.limit(n).collect()
  }
  /** Number of rows, counted on Spark. @example await df.count() */
  async count(): Promise<number> {
    const count = aliasExpr(callExpr('count', [literalExpr(1, t.int())]), 'count')
    const { rows } = await this.runner.run(
      node('aggregate', { groupBy: [], aggs: [count], child: this.plan }),
    )
    return rows[0][0] as number
  }
  /** Spark's schema of the result, as `t.*` types. @example (await df.schema()).fields */
  async schema(): Promise<StructType> {
    return (await this.runner.run(node('limit', { n: 0, child: this.plan }))).schema
  }
  /** Prints Spark's schema as a tree. @example await df.printSchema() */
  async printSchema(): Promise<void> {
    this.runner.print(treeString(await this.schema()))
  }
  /** Prints the first rows as Spark does. @example await df.show(5, { truncate: false }) */
  async show(n = 20, opts: Omit<ShowOptions, 'n'> = {}): Promise<void> {
    const { schema, rows } = await this.runner.run(node('limit', { n: n + 1, child: this.plan }))
    const render = this.runner.renderCell(schema)
    const names = schema.fields.map((f) => f.name)
    this.runner.print(formatTable(names, rows.slice(0, n).map(render), rows.length > n, { ...opts, n }))
  }
  /** Prints Spark's plans for the query. @example await df.explain(true) */
  async explain(extended: boolean | 'simple' | 'extended' | 'codegen' | 'formatted' = false): Promise<void> {
    const mode = extended === true ? 'extended' : extended === false ? 'simple' : extended
    this.runner.print(await this.runner.explain(this.plan, mode))
  }
}

/** The result of a remote groupBy(): aggregate it with agg() or a shortcut. */
export class RemoteGroupedData {
  private readonly grouped: GroupedData<any>
  private readonly runner: RemoteRunner

  constructor(grouped: GroupedData<any>, runner: RemoteRunner) {
    this.grouped = grouped
    this.runner = runner
  }
  /** @example df.groupBy('k').agg(count('*').alias('n'), max('price')) */
  agg(...aggs: (Column<any> | Record<string, string>)[]): RemoteDataFrame {
    return new RemoteDataFrame(this.grouped.agg(...aggs), this.runner)
  }
  /** Rows per group, as column `count`. @example df.groupBy('k').count() */
  count(): RemoteDataFrame {
    return new RemoteDataFrame(this.grouped.count(), this.runner)
  }
}

function jsFunction(name: string): SluiceError {
  return new SluiceError(
    'UNSUPPORTED_OPERATION',
    `${name} with a JavaScript function cannot run on Spark through Sluice.remote (Spark cannot run JavaScript): ` +
      'express it with select/withColumn and built-in functions (explode for flatMap), or run on Sluice.local().',
  )
}
