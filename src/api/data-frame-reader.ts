/**
 * `sluice.read`: the builder of a batch DataFrame (Spark's DataFrameReader). Options are strings,
 * as Spark's. `load()` is async: the connector (through the session's registry) lists the files
 * and settles the schema; the DataFrame's plan is a scan node whose rows are read when an action
 * runs, so a filter after `load()` prunes partition folders (connectors/file/batch-file-read.ts).
 */
import { localPath, localPathOptions } from '../io/local-path.ts'
import { node } from '../plan/logical-plan.ts'
import { parseSchemaDDL } from '../plan/sql/type-parser.ts'
import type { InferRow, StructType } from '../schema/data-type.ts'
import { DataFrame } from './dataframe.ts'
import type { QueryEngine } from './engine.ts'
import type { Row } from './row-types.ts'

export type ReaderOptionValue = string | number | boolean

interface ReaderState {
  /** Spark's default source (`spark.sql.sources.default`) is parquet. */
  readonly format: string
  readonly options: Readonly<Record<string, string>>
  readonly schema: StructType | undefined
}

export class DataFrameReader<R extends object = Row> {
  private readonly engine: QueryEngine
  private readonly timeZone: string
  private readonly state: ReaderState

  /** Made by the session (`sluice.read`), with the session time zone. */
  constructor(engine: QueryEngine, timeZone: string, state?: ReaderState) {
    this.engine = engine
    this.timeZone = timeZone
    this.state = state ?? { format: 'parquet', options: {}, schema: undefined }
  }

  private with<T extends object = R>(changes: Partial<ReaderState>): DataFrameReader<T> {
    return new DataFrameReader<T>(this.engine, this.timeZone, { ...this.state, ...changes })
  }

  /**
   * `json`, `csv`, `text`, `parquet` (the default), `kafka`, or a streaming query's state:
   * `statestore` (options `operatorId`, `storeName`, `batchId`) and `state-metadata`, loaded from
   * the query's checkpoint.
   * @example sluice.read.format('json')
   * @example await sluice.read.format('statestore').option('operatorId', 0).load('/ckpt/my-query')
   */
  format(name: string): DataFrameReader<R> {
    return this.with({ format: name })
  }
  /**
   * The schema of the files (no inference): a StructType, which also types the rows, or a DDL
   * string. Partition columns it names take its types.
   * @example sluice.read.schema(t.struct({ user: t.string(), n: t.long() })).json('/data')
   */
  schema<S extends StructType>(schema: S): DataFrameReader<InferRow<S>>
  schema(ddl: string): DataFrameReader<Row>
  schema(schema: StructType | string): DataFrameReader<any> {
    return this.with({ schema: typeof schema === 'string' ? parseSchemaDDL(schema) : schema })
  }
  /** One option, Spark's name and value. @example .option('header', true) */
  option(key: string, value: ReaderOptionValue): DataFrameReader<R> {
    return this.with({ options: { ...this.state.options, [key]: String(value) } })
  }
  /** Several options. @example .options({ header: true, inferSchema: true }) */
  options(values: Readonly<Record<string, ReaderOptionValue>>): DataFrameReader<R> {
    const added = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]))
    return this.with({ options: { ...this.state.options, ...added } })
  }
  /**
   * Reads the files under the paths (folders, files or globs such as `data/2024-*`; the `path`
   * option when none is given) into a DataFrame.
   * @example const df = await sluice.read.format('json').load('/data/events')
   */
  async load(...paths: string[]): Promise<DataFrame<R>> {
    const { format, options, schema: userSchema } = this.state
    // Kafka takes no paths (it refuses them itself); every other reader reads local paths.
    const kafka = format.toLowerCase() === 'kafka'
    const { schema, scan } = await this.engine.batchRead({
      format,
      paths: kafka ? paths : paths.map((p) => localPath(p, 'load() path')),
      options: kafka ? options : localPathOptions(options),
      userSchema,
      timeZone: this.timeZone,
    })
    return new DataFrame<R>(node('batchScan', { schema, scan }), this.engine)
  }
  /** JSON lines files. @example const df = await sluice.read.json('/data/events') */
  json(...paths: string[]): Promise<DataFrame<R>> {
    return this.format('json').load(...paths)
  }
  /** CSV files. @example const df = await sluice.read.option('header', true).csv('/data/users.csv') */
  csv(...paths: string[]): Promise<DataFrame<R>> {
    return this.format('csv').load(...paths)
  }
  /** Parquet files. @example const df = await sluice.read.parquet('/data/events') */
  parquet(...paths: string[]): Promise<DataFrame<R>> {
    return this.format('parquet').load(...paths)
  }
  /** Text files: one row per line, in a `value` column. @example const df = await sluice.read.text('/logs') */
  text(...paths: string[]): Promise<DataFrame<R>> {
    return this.format('text').load(...paths)
  }
}
