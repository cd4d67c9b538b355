/**
 * `df.write` of a remote session: Spark writes the result (Spark Connect's WriteOperation) to paths
 * the cluster can see, in any format Spark has, with Spark's save modes and partitioning.
 */
import { invalidArgument } from '../errors.ts'
import type { LogicalPlan } from '../plan/logical-plan.ts'
import { WriteOperation_SaveMode as SaveMode } from './gen/spark/connect/commands_pb.js'

const MODES: Readonly<Record<string, SaveMode>> = Object.freeze({
  append: SaveMode.APPEND,
  overwrite: SaveMode.OVERWRITE,
  error: SaveMode.ERROR_IF_EXISTS,
  errorifexists: SaveMode.ERROR_IF_EXISTS,
  ignore: SaveMode.IGNORE,
})

/** What the writer recorded; the session turns it into the write command. */
export interface RemoteWrite {
  readonly plan: LogicalPlan
  readonly format: string
  readonly mode: SaveMode
  readonly options: Readonly<Record<string, string>>
  readonly partitionBy: readonly string[]
  readonly path: string | undefined
}

/** What the writer needs from its session. */
export interface RemoteWriteHost {
  write(spec: RemoteWrite): Promise<void>
}

export class RemoteDataFrameWriter {
  private readonly host: RemoteWriteHost
  private readonly spec: RemoteWrite

  /** Made by `df.write` of a remote DataFrame; Spark's defaults: parquet, error if the path exists. */
  constructor(host: RemoteWriteHost, plan: LogicalPlan, spec?: RemoteWrite) {
    this.host = host
    this.spec = spec ?? {
      plan,
      format: 'parquet',
      mode: SaveMode.ERROR_IF_EXISTS,
      options: {},
      partitionBy: [],
      path: undefined,
    }
  }

  private with(changes: Partial<RemoteWrite>): RemoteDataFrameWriter {
    return new RemoteDataFrameWriter(this.host, this.spec.plan, { ...this.spec, ...changes })
  }

  /** Any format Spark writes. @example df.write.format('json') */
  format(name: string): RemoteDataFrameWriter {
    return this.with({ format: name })
  }
  /** `append`, `overwrite`, `error`/`errorifexists` (default) or `ignore`. @example .mode('overwrite') */
  mode(mode: string): RemoteDataFrameWriter {
    const m = MODES[mode.toLowerCase()]
    if (m === undefined)
      throw invalidArgument(`Save mode '${mode}' is not one of ${Object.keys(MODES).join(', ')}.`)
    return this.with({ mode: m })
  }
  /** One option, Spark's name. @example .option('compression', 'snappy') */
  option(key: string, value: string | number | boolean): RemoteDataFrameWriter {
    return this.with({ options: { ...this.spec.options, [key]: String(value) } })
  }
  /** Several options. @example .options({ header: true }) */
  options(values: Readonly<Record<string, string | number | boolean>>): RemoteDataFrameWriter {
    const added = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]))
    return this.with({ options: { ...this.spec.options, ...added } })
  }
  /** Partition folders by these columns. @example .partitionBy('day') */
  partitionBy(...columns: string[]): RemoteDataFrameWriter {
    return this.with({ partitionBy: Object.freeze([...columns]) })
  }
  /** Writes on Spark (the `path` option when no path is given). @example await df.write.mode('overwrite').save('/out') */
  save(path?: string): Promise<void> {
    return this.host.write({ ...this.spec, path: path ?? this.spec.path })
  }
  /** @example await df.write.json('/out') */
  json(path: string): Promise<void> {
    return this.format('json').save(path)
  }
  /** @example await df.write.option('header', true).csv('/out') */
  csv(path: string): Promise<void> {
    return this.format('csv').save(path)
  }
  /** @example await df.write.parquet('/out') */
  parquet(path: string): Promise<void> {
    return this.format('parquet').save(path)
  }
  /** @example await df.write.text('/out') */
  text(path: string): Promise<void> {
    return this.format('text').save(path)
  }
}
