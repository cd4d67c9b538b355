/**
 * Turns a `writeStream...start()` spec into a running query: checks the plan can run as a stream,
 * creates the sink and one source per streaming input (with stable source ids), opens the
 * checkpoint (which takes its lock), compiles the plan once, and launches the loop.
 */
import { type AnalyzedPlan, analyzedPlans, schemaOfAttributes } from '../analysis/analyzed-plan.ts'
import { checkStreamingPlan } from '../analysis/streaming-checks.ts'
import { lateRowsOutputs } from '../analysis/watermark-analysis.ts'
import { optionOf } from '../connectors/connector-options.ts'
import {
  DEAD_LETTER_SCHEMA,
  isDeadLetterSource,
  isQueryBoundSink,
  requireSourceProvider,
  type ScanRequest,
  type Sink,
  type SinkContext,
  type SourceRows,
} from '../connectors/spi.ts'
import { SluiceError } from '../errors.ts'
import type { RuntimeContext } from '../functions/function-def.ts'
import type { Clock } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import { type LogicalPlan, logicalPlans } from '../plan/logical-plan.ts'
import type { IncrementalOutputMode, IncrementalPlan } from '../planner/incremental-plan.ts'
import { DEFAULT_STATE_STORE_PROVIDER, STATE_STORE_PROVIDER_CLASS } from '../state/provider-registry.ts'
import { type ExecutionEvents, MicroBatchExecution, type StreamInput } from './micro-batch-execution.ts'
import type { QueryCheckpoint } from './query-checkpoint.ts'
import type { StreamingQueryManager } from './query-manager.ts'
import type { QueryStartSpec } from './query-spec.ts'
import { QueryState } from './query-state.ts'
import { scanRequestsOf } from './scan-requests.ts'
import { StreamingQuery } from './streaming-query.ts'
import { DEFAULT_TRIGGER, resolveTrigger } from './trigger.ts'
import { WatermarkTracker } from './watermark-tracker.ts'

/** Confs recorded in a checkpoint at a query's first start (its values win on later starts). */
export const SHUFFLE_PARTITIONS = 'sluice.sql.shuffle.partitions'
export const WATERMARK_POLICY = 'sluice.sql.streaming.multipleWatermarkPolicy'

export interface StarterDeps {
  /** Analyzes the query's plan; its current_timestamp() reads `runtime` (the query's own). */
  readonly analyze: (plan: LogicalPlan, runtime: RuntimeContext) => AnalyzedPlan
  readonly planIncremental: (
    plan: AnalyzedPlan,
    conf: { readonly numPartitions: number; readonly outputMode: IncrementalOutputMode },
  ) => IncrementalPlan
  readonly explain: (plan: LogicalPlan) => string
  readonly createSink: (spec: QueryStartSpec, ctx: Omit<SinkContext, 'options' | 'queryName'>) => Sink
  readonly sinkContext: Omit<SinkContext, 'options' | 'queryName' | 'schema'>
  readonly openCheckpoint: (
    spec: QueryStartSpec,
    ctx: { runId: string; sinkFormat: string; sourceIds: readonly string[] },
  ) => Promise<QueryCheckpoint>
  readonly clock: Clock
  readonly manager: StreamingQueryManager
  readonly newId: () => string
  readonly pollingDelayMs: number
  readonly state: {
    readonly fs: FileSystem
    readonly minBatchesToRetain: number
    readonly maintenanceIntervalMs: number
    readonly noDataMicroBatches: boolean
  }
}

export async function startQuery(spec: QueryStartSpec, deps: StarterDeps): Promise<StreamingQuery> {
  // The query's own runtime context: current_timestamp() is its batch's timestamp, whatever other
  // queries of the session run.
  const runtime: RuntimeContext = { currentTimestamp: deps.clock.now() }
  const analyzed = deps.analyze(spec.plan, runtime)
  checkStreamingPlan(analyzed, spec.outputMode)
  // Throws when two watermarks name one late-rows output, or a stream has a late_* column.
  lateRowsOutputs(analyzed)
  const trigger = spec.trigger === undefined ? DEFAULT_TRIGGER : resolveTrigger(spec.trigger)
  const runId = deps.newId()
  const schema = schemaOfAttributes(analyzed.output)
  const relations = streamingRelations(spec.plan)
  const sourceIds = relations.map((r, i) => sourceIdOf(r, i, relations))
  const sinkFormat = spec.foreachBatch
    ? 'foreachBatch'
    : spec.foreach
      ? 'foreach'
      : (spec.format ?? 'console')
  const sink = deps.createSink(spec, { ...deps.sinkContext, schema })
  const checkpoint = await deps.openCheckpoint(spec, { runId, sinkFormat, sourceIds }).catch(async (e) => {
    await sink.stop()
    throw e
  })
  const inputs: StreamInput[] = []
  let launched = false
  try {
    const active = deps.manager.get(checkpoint.queryId)
    if (active?.isActive) {
      throw new SluiceError(
        'CHECKPOINT_LOCKED',
        `Cannot start query with id ${checkpoint.queryId} as another query with the same id is already active in this session. Stop it first.`,
      )
    }
    if (isQueryBoundSink(sink))
      sink.bindQuery({ queryId: checkpoint.queryId, checkpointLocation: checkpoint.location })
    const scans = scanRequestsOf(analyzed)
    for (const [i, r] of relations.entries())
      inputs.push(input(r, sourceIds[i], checkpoint, deps, scans.get(r.id)))
    const numPartitions = Number(checkpoint.conf[SHUFFLE_PARTITIONS] ?? 8)
    const plan = deps.planIncremental(analyzed, { numPartitions, outputMode: spec.outputMode })
    const { state, watermarks } = statefulRuntime(plan, checkpoint, numPartitions, deps)
    await checkpoint.openSideOutputs([
      ...plan.watermarkInputs.flatMap(({ lateRows, lateRowsSchema }) =>
        lateRows === undefined || lateRowsSchema === undefined
          ? []
          : [{ ref: { kind: 'late' as const, name: lateRows }, schema: lateRowsSchema }],
      ),
      ...deadLetterOutputs(inputs, analyzed),
    ])
    const query = new StreamingQuery({
      id: checkpoint.queryId,
      runId,
      name: spec.queryName ?? null,
      explain: () => deps.explain(spec.plan),
      operatorGraph: plan.graph,
      wakeOnRequest: trigger.kind === 'default',
      cleanup: async () => {
        await Promise.allSettled([sink.stop(), ...inputs.map((s) => s.source.stop()), state?.close()])
        await checkpoint.close()
      },
    })
    const events: ExecutionEvents = {
      onProgress: (p) => deps.manager.onProgress(query, p),
      onIdle: (n) => deps.manager.onIdle(query, n),
      onStatus: (m, d, t) => query.recordStatus(m, d, t),
    }
    const execution = new MicroBatchExecution({
      id: checkpoint.queryId,
      runId,
      name: spec.queryName ?? null,
      inputs,
      sink,
      outputMode: spec.outputMode,
      trigger,
      clock: deps.clock,
      checkpoint,
      events,
      pollingDelayMs: deps.pollingDelayMs,
      state,
      watermarks,
      noDataMicroBatches: deps.state.noDataMicroBatches,
      runPlan: (_rows: ReadonlyMap<number, SourceRows>, batchTimestampMs: number, stream) => {
        // NOTE: current_timestamp() is the batch's timestamp (logged with its offsets), as in Spark.
        runtime.currentTimestamp = batchTimestampMs
        const out = plan.root.execute({ runtime, stream })
        return { rows: out, schema }
      },
    })
    deps.manager.register(query)
    launched = true
    // Recovery runs before start() resolves, so a corrupt or incompatible checkpoint fails start();
    // the query then cleans up after itself (sink, sources, lock).
    await query.launch(execution, deps.manager).catch(async (e) => {
      await query.awaitTermination().catch(() => undefined)
      throw e
    })
    return query
  } catch (e) {
    if (launched) throw e
    await Promise.allSettled([sink.stop(), ...inputs.map((i) => i.source.stop()), checkpoint.close()])
    throw e
  }
}

/** The query's state stores and watermark tracker, from its incremental plan and checkpoint confs. */
function statefulRuntime(
  plan: IncrementalPlan,
  checkpoint: QueryCheckpoint,
  numPartitions: number,
  deps: StarterDeps,
): { state: QueryState | null; watermarks: WatermarkTracker } {
  const operators = plan.statefulOperators
  const state =
    operators.length === 0
      ? null
      : new QueryState(operators, {
          checkpoint: checkpoint.location,
          fs: deps.state.fs,
          clock: deps.clock,
          numPartitions,
          minBatchesToRetain: deps.state.minBatchesToRetain,
          maintenanceIntervalMs: deps.state.maintenanceIntervalMs,
          // As Spark: the provider that wrote the checkpoint's state reads it back; a checkpoint from
          // before the provider was recorded was written by the default one.
          providerClass: checkpoint.conf[STATE_STORE_PROVIDER_CLASS] ?? DEFAULT_STATE_STORE_PROVIDER,
        })
  const policy = checkpoint.conf[WATERMARK_POLICY] === 'max' ? 'max' : 'min'
  return { state, watermarks: new WatermarkTracker(plan.watermarkInputs, policy, deps.clock.now()) }
}

/** The dead-letter outputs the query's sources and deadLetter() operators name (each once). */
function deadLetterOutputs(inputs: readonly StreamInput[], plan: AnalyzedPlan) {
  const names = new Set<string>()
  for (const { source } of inputs)
    if (isDeadLetterSource(source) && source.deadLetter !== undefined) names.add(source.deadLetter)
  analyzedPlans.walk(plan, (p) => {
    if (p.kind === 'deadLetter') names.add(p.name)
  })
  return [...names].map((name) => ({
    ref: { kind: 'dead-letter' as const, name },
    schema: DEAD_LETTER_SCHEMA,
  }))
}

type Relation = Extract<LogicalPlan, { kind: 'streamingRelation' }>

/** Streaming inputs in plan order (left to right), each once even if the DataFrame is reused. */
function streamingRelations(plan: LogicalPlan): Relation[] {
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
function sourceIdOf(r: Relation, i: number, all: readonly Relation[]): string {
  return `${r.source.name}-${all.slice(0, i).filter((x) => x.source.name === r.source.name).length}`
}

function input(
  r: Relation,
  sourceId: string,
  checkpoint: QueryCheckpoint,
  deps: StarterDeps,
  scan: ScanRequest | undefined,
): StreamInput {
  const provider = requireSourceProvider(r.source)
  const source = provider.createSource(
    {
      options: r.options,
      checkpointDir: `${checkpoint.location}/sources/${sourceId}`,
      now: () => deps.clock.now(),
      ...(deps.sinkContext.timeZone === undefined ? {} : { timeZone: deps.sinkContext.timeZone }),
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
