/**
 * `df.write`: the builder of a batch write to files (Spark's DataFrameWriter). `save` runs the
 * query and writes its rows; it is async because files are. See connectors/file/batch-file-write.ts
 * for what each save mode does.
 */
import { invalidArgument } from '../errors.ts'
import { localPath } from '../io/local-path.ts'
import type { LogicalPlan } from '../plan/logical-plan.ts'
import type { FileWriteRequest, QueryEngine } from './engine.ts'

type OptionValue = string | number | boolean

interface WriterState {
  readonly format: string
  readonly mode: string
  readonly partitionBy: readonly string[]
  readonly options: Readonly<Record<string, string>>
}

export class DataFrameWriter {
  private readonly engine: QueryEngine
  private readonly plan: LogicalPlan
  private readonly spec: WriterState

  constructor(engine: QueryEngine, plan: LogicalPlan, spec?: WriterState) {
    this.engine = engine
    this.plan = plan
    this.spec = spec ?? { format: 'parquet', mode: 'errorifexists', partitionBy: [], options: {} }
  }

  private with(changes: Partial<WriterState>): DataFrameWriter {
    return new DataFrameWriter(this.engine, this.plan, { ...this.spec, ...changes })
  }

  /** `json`, `csv`, `text`, `parquet` (the default, as Spark's) or `kafka`. @example .format('json') */
  format(name: string): DataFrameWriter {
    return this.with({ format: name })
  }
  /** `errorifexists` (default), `append`, `overwrite` or `ignore`. @example .mode('overwrite') */
  mode(mode: string): DataFrameWriter {
    return this.with({ mode })
  }
  /** @example .option('header', true) */
  option(key: string, value: OptionValue): DataFrameWriter {
    return this.with({ options: { ...this.spec.options, [key]: String(value) } })
  }
  /** @example .options({ header: true, sep: ';' }) */
  options(values: Readonly<Record<string, OptionValue>>): DataFrameWriter {
    const added = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]))
    return this.with({ options: { ...this.spec.options, ...added } })
  }
  /** One `key=value/` folder level per column, in order (the columns leave the files). @example .partitionBy('day') */
  partitionBy(...columns: string[]): DataFrameWriter {
    return this.with({ partitionBy: columns })
  }
  /** Runs the query and writes its rows under `path` (files) or to Kafka. @example await df.write.format('json').save('/out') */
  save(path?: string): Promise<void> {
    const given = path ?? this.spec.options.path
    const target = given === undefined ? '' : localPath(given, 'save() path')
    // Kafka writes to topics, not a path.
    if (target === '' && this.spec.format.toLowerCase() !== 'kafka')
      return Promise.reject(
        invalidArgument("df.write needs a path: save('/data/out') or option('path', '/data/out')."),
      )
    const { path: _, ...options } = this.spec.options
    const request: FileWriteRequest = { ...this.spec, options, path: target }
    return this.engine.writeFiles(this.plan, request)
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
  /** @example await df.select('line').write.text('/out') */
  text(path: string): Promise<void> {
    return this.format('text').save(path)
  }
}
