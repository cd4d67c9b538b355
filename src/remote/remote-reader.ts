/**
 * `sluice.read` and `sluice.readStream` of a remote session: the same builder as embedded (format,
 * schema, options, paths), but the data is read by Spark on the cluster, from paths it can see
 * (streams: any Spark source, e.g. files with a schema, `rate`, `kafka`). `load()` asks Spark
 * for the schema (inferred there, or the one given), so the DataFrame's columns are known while
 * building, as embedded.
 */
import type { ReaderOptionValue } from '../api/data-frame-reader.ts'
import type { Row } from '../api/row-types.ts'
import { invalidArgument } from '../errors.ts'
import { type LogicalPlan, node } from '../plan/logical-plan.ts'
import { parseSchemaDDL } from '../plan/sql/type-parser.ts'
import type { InferRow, StructType } from '../schema/data-type.ts'
import { simpleString, structOf } from '../schema/data-type.ts'
import { quotePart } from './expr-to-connect.ts'
import type { RemoteReadSpec } from './plan-to-connect.ts'
import type { RemoteDataFrame } from './remote-data-frame.ts'

interface ReaderState {
  /** `readStream` (true) or `read`. */
  readonly streaming: boolean
  readonly format: string
  readonly options: Readonly<Record<string, string>>
  readonly schema: StructType | undefined
}

/** What the reader needs from its session. */
export interface RemoteReadHost {
  /** Registers a leaf as a read of `spec`, and returns Spark's schema of it. */
  describe(spec: RemoteReadSpec): Promise<{ leaf: LogicalPlan; schema: StructType }>
  /** A RemoteDataFrame over a plan. */
  frame<R extends object>(plan: LogicalPlan): RemoteDataFrame<R>
}

/** The DDL Spark reads a user schema from: `a INT, b STRING`. */
export function schemaDDL(schema: StructType): string {
  return schema.fields
    .map((f) => `${quotePart(f.name)} ${simpleString(f.type)}${f.nullable ? '' : ' NOT NULL'}`)
    .join(', ')
}

export class RemoteDataFrameReader<R extends object = Row> {
  private readonly host: RemoteReadHost
  private readonly state: ReaderState

  /** Made by the remote session (`sluice.read`). */
  constructor(host: RemoteReadHost, state?: ReaderState) {
    this.host = host
    this.state = state ?? { streaming: false, format: 'parquet', options: {}, schema: undefined }
  }

  private with<T extends object = R>(changes: Partial<ReaderState>): RemoteDataFrameReader<T> {
    return new RemoteDataFrameReader<T>(this.host, { ...this.state, ...changes })
  }

  /** Any format Spark reads: `parquet` (default), `json`, `csv`, `text`, `orc`, ... @example sluice.read.format('json') */
  format(name: string): RemoteDataFrameReader<R> {
    return this.with({ format: name })
  }
  /** The schema of the files (no inference): a StructType or a DDL string. @example .schema('user STRING, n BIGINT') */
  schema<S extends StructType>(schema: S): RemoteDataFrameReader<InferRow<S>>
  schema(ddl: string): RemoteDataFrameReader<Row>
  schema(schema: StructType | string): RemoteDataFrameReader<any> {
    return this.with({ schema: typeof schema === 'string' ? parseSchemaDDL(schema) : schema })
  }
  /** One option, Spark's name and value. @example .option('header', true) */
  option(key: string, value: ReaderOptionValue): RemoteDataFrameReader<R> {
    return this.with({ options: { ...this.state.options, [key]: String(value) } })
  }
  /** Several options. @example .options({ header: true, inferSchema: true }) */
  options(values: Readonly<Record<string, ReaderOptionValue>>): RemoteDataFrameReader<R> {
    const added = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]))
    return this.with({ options: { ...this.state.options, ...added } })
  }
  /** Reads the paths (as the cluster sees them). @example const df = await sluice.read.format('json').load('/data/events') */
  async load(...paths: string[]): Promise<RemoteDataFrame<R>> {
    if (this.state.streaming && paths.length > 1)
      throw invalidArgument(
        `readStream.load() takes one path (a folder), not ${paths.length}: put the files in one folder.`,
      )
    const spec: RemoteReadSpec = Object.freeze({
      kind: 'source',
      streaming: this.state.streaming,
      format: this.state.format,
      paths: Object.freeze([...paths]),
      options: Object.freeze({ ...this.state.options }),
      schemaDDL: this.state.schema === undefined ? undefined : schemaDDL(this.state.schema),
    })
    return this.host.frame<R>((await this.host.describe(spec)).leaf)
  }
  /** @example const df = await sluice.read.json('/data/events') */
  json(...paths: string[]): Promise<RemoteDataFrame<R>> {
    return this.format('json').load(...paths)
  }
  /** @example const df = await sluice.read.option('header', true).csv('/data/users.csv') */
  csv(...paths: string[]): Promise<RemoteDataFrame<R>> {
    return this.format('csv').load(...paths)
  }
  /** @example const df = await sluice.read.parquet('/data/events') */
  parquet(...paths: string[]): Promise<RemoteDataFrame<R>> {
    return this.format('parquet').load(...paths)
  }
  /** @example const df = await sluice.read.text('/logs') */
  text(...paths: string[]): Promise<RemoteDataFrame<R>> {
    return this.format('text').load(...paths)
  }
}

export const emptyLeaf = (schema: StructType = structOf([])) => node('localRelation', { schema, rows: [] })
