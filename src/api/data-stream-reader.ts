/**
 * `sluice.readStream`: the builder of a streaming DataFrame. Options are strings, as Spark's;
 * `options({...})` takes an object of them.
 */
import { invalidArgument } from '../errors.ts'
import { localPathOptions } from '../io/local-path.ts'
import { node } from '../plan/logical-plan.ts'
import { parseSchemaDDL } from '../plan/sql/type-parser.ts'
import type { StructType } from '../schema/data-type.ts'
import { DataFrame } from './dataframe.ts'
import type { QueryEngine } from './engine.ts'

export type OptionValue = string | number | boolean

export class DataStreamReader {
  private readonly engine: QueryEngine
  private readonly fmt: string | undefined
  private readonly opts: Readonly<Record<string, string>>
  private readonly userSchema: StructType | undefined

  constructor(
    engine: QueryEngine,
    fmt?: string,
    opts: Readonly<Record<string, string>> = {},
    userSchema?: StructType,
  ) {
    this.engine = engine
    this.fmt = fmt
    this.opts = opts
    this.userSchema = userSchema
  }

  /** The source format: `rate`, `rate-micro-batch`, `socket` (more with the file and Kafka connectors). @example sluice.readStream.format('rate') */
  format(name: string): DataStreamReader {
    return new DataStreamReader(this.engine, name, this.opts, this.userSchema)
  }
  /** One option, Spark's name and value. @example .option('rowsPerSecond', 10) */
  option(key: string, value: OptionValue): DataStreamReader {
    return new DataStreamReader(
      this.engine,
      this.fmt,
      { ...this.opts, [key]: String(value) },
      this.userSchema,
    )
  }
  /** Several options. @example .options({ rowsPerSecond: 10, rampUpTime: '5s' }) */
  options(values: Readonly<Record<string, OptionValue>>): DataStreamReader {
    const added = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]))
    return new DataStreamReader(this.engine, this.fmt, { ...this.opts, ...added }, this.userSchema)
  }
  /** The input schema, for sources that need one. @example .schema(t.struct({ value: t.string() })) */
  schema(schema: StructType | string): DataStreamReader {
    return new DataStreamReader(
      this.engine,
      this.fmt,
      this.opts,
      typeof schema === 'string' ? parseSchemaDDL(schema) : schema,
    )
  }
  /** The streaming DataFrame. @example const df = sluice.readStream.format('rate').load() */
  load(path?: string): DataFrame {
    if (this.fmt === undefined)
      throw invalidArgument("readStream needs a format first, e.g. sluice.readStream.format('rate').load().")
    const options = localPathOptions(path === undefined ? this.opts : { ...this.opts, path })
    const { source, schema } = this.engine.streamSource(this.fmt, options, this.userSchema)
    return new DataFrame(node('streamingRelation', { source, options, schema }), this.engine)
  }
  /** `format('json').load(path)`, as Spark's. @example sluice.readStream.schema('id INT').json('/in') */
  json(path: string): DataFrame {
    return this.format('json').load(path)
  }
  /** `format('csv').load(path)`. @example sluice.readStream.schema('id INT').csv('/in') */
  csv(path: string): DataFrame {
    return this.format('csv').load(path)
  }
  /** `format('parquet').load(path)`. @example sluice.readStream.schema('id INT').parquet('/in') */
  parquet(path: string): DataFrame {
    return this.format('parquet').load(path)
  }
  /** `format('text').load(path)`. @example sluice.readStream.text('/logs') */
  text(path: string): DataFrame {
    return this.format('text').load(path)
  }
}
