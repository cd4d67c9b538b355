/** What `writeStream...start()` hands to the runtime. */
import type { ForeachWriter } from '../connectors/foreach/foreach-sink.ts'
import type { OutputMode, SinkBatch } from '../connectors/spi.ts'
import type { LogicalPlan } from '../plan/logical-plan.ts'
import type { TriggerOptions } from './trigger.ts'

export type { ForeachWriter }

export interface QueryStartSpec {
  readonly plan: LogicalPlan
  readonly format: string | undefined
  readonly options: Readonly<Record<string, string>>
  readonly outputMode: OutputMode
  readonly queryName: string | undefined
  readonly trigger: TriggerOptions | undefined
  /** The user's foreachBatch, already adapted by the API to take the batch's rows. */
  readonly foreachBatch: ((batch: SinkBatch) => void | Promise<void>) | undefined
  readonly foreach: ForeachWriter<any> | undefined
}
