/**
 * A streaming query's inputs: its streaming relations in plan order, their stable source ids, and
 * one source per relation created with the session's context (clock, file system, retry timer).
 */
import { optionOf } from '../connectors/connector-options.ts'
import { type ConnectorContext, requireSourceProvider, type ScanRequest } from '../connectors/spi.ts'
import type { Clock } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import { type LogicalPlan, logicalPlans } from '../plan/logical-plan.ts'
import type { StreamInput } from './micro-batch-execution.ts'
import type { QueryCheckpoint } from './query-checkpoint.ts'

/** What sources are created with. */
export interface InputDeps {
  readonly clock: Clock
  readonly state: { readonly fs: FileSystem }
  readonly sinkContext: Pick<ConnectorContext, 'timeZone' | 'retryTimer' | 'executor'>
}

export type Relation = Extract<LogicalPlan, { kind: 'streamingRelation' }>

/** Streaming inputs in plan order (left to right), each once even if the DataFrame is reused. */
export function streamingRelations(plan: LogicalPlan): Relation[] {
  const out: Relation[] = []
  logicalPlans.walk(plan, (p) => {
    if (p.kind === 'streamingRelation' && !out.includes(p)) out.push(p)
  })
  return out
}

/**
 * A streaming input's id: `<source name>-<n>`, n counting the inputs of that source before it.
 * Stable as long as the query reads the same sources in the same order; offsets in the checkpoint
 * are keyed by it (never by position in a list), so a changed query is detected at restart.
 */
export function sourceIdOf(r: Relation, i: number, all: readonly Relation[]): string {
  return `${r.source.name}-${all.slice(0, i).filter((x) => x.source.name === r.source.name).length}`
}

/**
 * The source of one streaming relation, in its private checkpoint folder.
 *
 * @example inputs.push(createInput(relation, 'rate-0', checkpoint, deps))
 */
export function createInput(
  r: Relation,
  sourceId: string,
  checkpoint: QueryCheckpoint,
  deps: InputDeps,
  scan?: ScanRequest,
): StreamInput {
  const provider = requireSourceProvider(r.source)
  const source = provider.createSource(
    {
      options: r.options,
      checkpointDir: `${checkpoint.location}/sources/${sourceId}`,
      fs: deps.state.fs,
      now: () => deps.clock.now(),
      ...(deps.sinkContext.retryTimer === undefined ? {} : { retryTimer: deps.sinkContext.retryTimer }),
      ...(deps.sinkContext.timeZone === undefined ? {} : { timeZone: deps.sinkContext.timeZone }),
      ...(deps.sinkContext.executor === undefined ? {} : { executor: deps.sinkContext.executor }),
      ...(scan === undefined ? {} : { scan }),
    },
    r.schema,
  )
  return { sourceId, relationId: r.id, source, limit: readLimitOf(r.options) }
}

function readLimitOf(options: Readonly<Record<string, string>>): StreamInput['limit'] {
  const maxFiles = optionOf(options, 'maxFilesPerTrigger')
  if (maxFiles !== undefined) return { kind: 'maxFiles', maxFiles: Number(maxFiles) }
  const maxRows = optionOf(options, 'maxOffsetsPerTrigger')
  if (maxRows !== undefined) return { kind: 'maxRows', maxRows: Number(maxRows) }
  return { kind: 'all' }
}
