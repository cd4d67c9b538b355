/**
 * The QueryEngine a remote session gives the API's builders. Builders only need the schema of a plan
 * while they build (withColumn, drop, ...): that comes from Sluice's own analyzer over the plan, whose
 * leaves carry Spark's schemas, so building stays synchronous and identical to embedded. Running goes
 * through RemoteDataFrame's asynchronous actions instead; the synchronous entry points say so.
 */
import { schemaOfAttributes } from '../analysis/analyzed-plan.ts'
import { Analyzer } from '../analysis/analyzer.ts'
import type { QueryEngine } from '../api/engine.ts'
import { SluiceError } from '../errors.ts'
import { valueToString } from '../functions/cast.ts'
import type { BindContext } from '../functions/function-def.ts'
import type { LogicalPlan } from '../plan/logical-plan.ts'
import type { StructType } from '../schema/data-type.ts'

const runsRemotely = (what: string) =>
  new SluiceError(
    'UNSUPPORTED_OPERATION',
    `${what} runs on Spark, asynchronously, in a remote session: await it on the RemoteDataFrame ` +
      '(e.g. `await df.collect()`), not on a DataFrame of Sluice.local().',
  )

export class RemoteEngine implements QueryEngine {
  private readonly ctx: BindContext
  private readonly out: (text: string) => void
  /** Lazy, as Spark Connect: the server's analysis answers at the action, with Spark's error classes. */
  readonly eagerAnalysis = false

  constructor(timeZone: string, out: (text: string) => void) {
    this.ctx = Object.freeze({ timeZone, runtime: { currentTimestamp: 0 } })
    this.out = out
  }

  schemaOf(plan: LogicalPlan): StructType {
    return schemaOfAttributes(new Analyzer(this.ctx).analyze(plan).output)
  }
  execute(): unknown[][] {
    throw runsRemotely('Running a query')
  }
  renderCell(schema: StructType): (row: readonly unknown[]) => (string | null)[] {
    const fns = schema.fields.map((f) => valueToString(f.type, this.ctx.timeZone))
    return (row) => row.map((v, i) => (v === null ? null : fns[i](v)))
  }
  explain(): string {
    throw runsRemotely('explain()')
  }
  print(text: string): void {
    this.out(text)
  }
  streamSource(): never {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      "A remote session's streams come from its own readStream (Spark's sources): use spark.readStream.",
    )
  }
  startStream(): never {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      "Start remote streaming queries with the RemoteDataFrame's writeStream (Spark's sinks), not df.local.writeStream.",
    )
  }
  batchRead(): never {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      "A remote session's batch reads come from its own read (Spark reads them): use spark.read.",
    )
  }
  memorySource(): never {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      'A remote session has no memory streams: Spark reads its streams from its own sources.',
    )
  }
  writeFiles(): never {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      "Write remote DataFrames with the RemoteDataFrame's write (Spark writes), not df.local.write.",
    )
  }
}
