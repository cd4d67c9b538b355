/**
 * Turns a `writeStream...start()` spec into a running query: checks the plan can run as a stream,
 * creates the sink and one source per streaming input (with stable source ids), opens the
 * checkpoint (which takes its lock), compiles the plan once, and launches the loop.
 */
import { type AnalyzedPlan, analyzedPlans, schemaOfAttributes } from '../analysis/analyzed-plan.ts'
import { checkStreamingPlan } from '../analysis/streaming-checks.ts'
import { lateRowsOutputs } from '../analysis/watermark-analysis.ts'
import {
  DEAD_LETTER_SCHEMA,
  isDeadLetterSource,
  isQueryBoundSink,
  type Sink,
  type SinkContext,
  type SourceRows,
} from '../connectors/spi.ts'
import { SluiceError } from '../errors.ts'
import type { RuntimeContext } from '../functions/function-def.ts'
import type { Clock } from '../io/clock.ts'
import type { FileSystem } from '../io/fs.ts'
import type { LogicalPlan } from '../plan/logical-plan.ts'
import type { IncrementalOutputMode, IncrementalPlan } from '../planner/incremental-plan.ts'
import type { StructType } from '../schema/data-type.ts'
import { DEFAULT_STATE_STORE_PROVIDER, STATE_STORE_PROVIDER_CLASS } from '../state/provider-registry.ts'
import type { StateStoreSettings } from '../state/spi.ts'
import { type ExecutionEvents, MicroBatchExecution, type StreamInput } from './micro-batch-execution.ts'
import { runPlanStages } from './plan-stages.ts'
import type { QueryCheckpoint } from './query-checkpoint.ts'
import { createInput, type Relation, sourceIdOf, streamingRelations } from './query-inputs.ts'
import type { StreamingQueryManager } from './query-manager.ts'
import type { QueryStartSpec } from './query-spec.ts'
import { QueryState } from './query-state.ts'
import { scanRequestsOf } from './scan-requests.ts'
import type { SinkRetryPolicy } from './sink-retry.ts'
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
  readonly sinkRetry: SinkRetryPolicy
  readonly state: {
    readonly fs: FileSystem
    readonly minBatchesToRetain: number
    readonly maintenanceIntervalMs: number
    readonly noDataMicroBatches: boolean
    readonly acceptExpressionChanges?: boolean
    /** `sluice.sql.streaming.stateStore.<provider>.*`. */
    readonly providerSettings?: StateStoreSettings
  }
}

/** What is known of a query before anything is opened: its analyzed plan, ids and sink. */
interface PreparedQuery {
  readonly runtime: RuntimeContext
  readonly analyzed: AnalyzedPlan
  readonly schema: StructType
  readonly trigger: ReturnType<typeof resolveTrigger>
  readonly runId: string
  readonly relations: readonly Relation[]
  readonly sourceIds: readonly string[]
  readonly sinkFormat: string
}

/**
 * Starts a streaming query: analyze and check the plan, create the sink, open the checkpoint (which
 * takes its lock), create the sources, plan incrementally, build the state and watermarks from the
 * plan's data, open the side outputs, then launch the loop (which recovers before this resolves).
 *
 * @example const query = await startQuery(spec, deps)
 */
export async function startQuery(spec: QueryStartSpec, deps: StarterDeps): Promise<StreamingQuery> {
  const q = prepareQuery(spec, deps)
  const sink = deps.createSink(spec, { ...deps.sinkContext, schema: q.schema })
  const checkpoint = await openCheckpointOrStop(spec, q, sink, deps)
  const inputs: StreamInput[] = []
  let launched = false
  try {
    refuseActiveDuplicate(deps.manager, checkpoint)
    if (isQueryBoundSink(sink))
      sink.bindQuery({ queryId: checkpoint.queryId, checkpointLocation: checkpoint.location })
    const scans = scanRequestsOf(q.analyzed)
    for (const [i, r] of q.relations.entries())
      inputs.push(createInput(r, q.sourceIds[i], checkpoint, deps, scans.get(r.id)))
    const numPartitions = Number(checkpoint.conf[SHUFFLE_PARTITIONS] ?? 8)
    const plan = deps.planIncremental(q.analyzed, { numPartitions, outputMode: spec.outputMode })
    const { state, watermarks } = statefulRuntime(plan, checkpoint, numPartitions, deps)
    await openSideOutputs(checkpoint, plan, inputs, q.analyzed)
    const query = newQuery(spec, q, { queryId: checkpoint.queryId, plan }, deps, async () => {
      await Promise.allSettled([sink.stop(), ...inputs.map((s) => s.source.stop()), state?.close()])
      await checkpoint.close()
    })
    const execution = newExecution(
      spec,
      q,
      { plan, sink, inputs, checkpoint, state, watermarks, query },
      deps,
    )
    deps.manager.register(query)
    launched = true
    await launch(query, execution, deps.manager)
    return query
  } catch (e) {
    if (launched) throw e
    await Promise.allSettled([sink.stop(), ...inputs.map((i) => i.source.stop()), checkpoint.close()])
    throw e
  }
}

/** Analyzes and checks the plan and names its parts; opens nothing. */
function prepareQuery(spec: QueryStartSpec, deps: StarterDeps): PreparedQuery {
  // The query's own runtime context: current_timestamp() is its batch's timestamp, whatever other
  // queries of the session run.
  const runtime: RuntimeContext = { currentTimestamp: deps.clock.now() }
  const analyzed = deps.analyze(spec.plan, runtime)
  checkStreamingPlan(analyzed, spec.outputMode)
  // Throws when two watermarks name one late-rows output, or a stream has a late_* column.
  lateRowsOutputs(analyzed)
  const relations = streamingRelations(spec.plan)
  return {
    runtime,
    analyzed,
    schema: schemaOfAttributes(analyzed.output),
    trigger: spec.trigger === undefined ? DEFAULT_TRIGGER : resolveTrigger(spec.trigger),
    runId: deps.newId(),
    relations,
    sourceIds: relations.map((r, i) => sourceIdOf(r, i, relations)),
    sinkFormat: spec.foreachBatch ? 'foreachBatch' : spec.foreach ? 'foreach' : (spec.format ?? 'console'),
  }
}

/** Opens (and locks) the checkpoint; stops the sink when that fails. */
async function openCheckpointOrStop(
  spec: QueryStartSpec,
  q: PreparedQuery,
  sink: Sink,
  deps: StarterDeps,
): Promise<QueryCheckpoint> {
  const ctx = { runId: q.runId, sinkFormat: q.sinkFormat, sourceIds: q.sourceIds }
  return deps.openCheckpoint(spec, ctx).catch(async (e) => {
    await sink.stop()
    throw e
  })
}

function refuseActiveDuplicate(manager: StreamingQueryManager, checkpoint: QueryCheckpoint): void {
  if (manager.get(checkpoint.queryId)?.isActive) {
    throw new SluiceError(
      'CHECKPOINT_LOCKED',
      `Cannot start query with id ${checkpoint.queryId} as another query with the same id is already active in this session. Stop it first.`,
    )
  }
}

/** The late-rows outputs of the plan's watermarks and the dead-letter outputs, opened for writing. */
function openSideOutputs(
  checkpoint: QueryCheckpoint,
  plan: IncrementalPlan,
  inputs: readonly StreamInput[],
  analyzed: AnalyzedPlan,
): Promise<void> {
  return checkpoint.openSideOutputs([
    ...plan.watermarkInputs.flatMap(({ lateRows, lateRowsSchema }) =>
      lateRows === undefined || lateRowsSchema === undefined
        ? []
        : [{ ref: { kind: 'late' as const, name: lateRows }, schema: lateRowsSchema }],
    ),
    ...deadLetterOutputs(inputs, analyzed),
  ])
}

function newQuery(
  spec: QueryStartSpec,
  q: PreparedQuery,
  { queryId, plan }: { readonly queryId: string; readonly plan: IncrementalPlan },
  deps: StarterDeps,
  cleanup: () => Promise<void>,
): StreamingQuery {
  return new StreamingQuery({
    id: queryId,
    runId: q.runId,
    name: spec.queryName ?? null,
    explain: () => deps.explain(spec.plan),
    operatorGraph: plan.graph,
    wakeOnRequest: q.trigger.kind === 'default',
    cleanup,
  })
}

interface Opened {
  readonly plan: IncrementalPlan
  readonly sink: Sink
  readonly inputs: readonly StreamInput[]
  readonly checkpoint: QueryCheckpoint
  readonly state: QueryState | null
  readonly watermarks: WatermarkTracker
  readonly query: StreamingQuery
}

function newExecution(
  spec: QueryStartSpec,
  q: PreparedQuery,
  o: Opened,
  deps: StarterDeps,
): MicroBatchExecution {
  const { query, plan } = o
  const events: ExecutionEvents = {
    onProgress: (p) => deps.manager.onProgress(query, p),
    onIdle: (n) => deps.manager.onIdle(query, n),
    onStatus: (m, d, t) => query.recordStatus(m, d, t),
  }
  return new MicroBatchExecution({
    id: o.checkpoint.queryId,
    runId: q.runId,
    name: spec.queryName ?? null,
    inputs: [...o.inputs],
    sink: o.sink,
    outputMode: spec.outputMode,
    trigger: q.trigger,
    clock: deps.clock,
    checkpoint: o.checkpoint,
    events,
    pollingDelayMs: deps.pollingDelayMs,
    sinkRetry: deps.sinkRetry,
    state: o.state,
    watermarks: o.watermarks,
    noDataMicroBatches: deps.state.noDataMicroBatches,
    runPlan: (_rows: ReadonlyMap<number, SourceRows>, batchTimestampMs: number, _stream, batch) => {
      // NOTE: current_timestamp() is the batch's timestamp (logged with its offsets), as in Spark.
      q.runtime.currentTimestamp = batchTimestampMs
      q.runtime.runId = (q.runtime.runId ?? 0) + 1
      // The one owner: every partition of the spec's, the exchanges handed to itself.
      const [rows] = runPlanStages(plan, [{ batch, runtime: q.runtime }])
      return { rows, schema: q.schema }
    },
  })
}

/**
 * Recovery runs before start() resolves, so a corrupt or incompatible checkpoint fails start();
 * the query then cleans up after itself (sink, sources, lock).
 */
async function launch(
  query: StreamingQuery,
  execution: MicroBatchExecution,
  manager: StreamingQueryManager,
): Promise<void> {
  await query.launch(execution, manager).catch(async (e) => {
    await query.awaitTermination().catch(() => undefined)
    throw e
  })
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
          acceptExpressionChanges: deps.state.acceptExpressionChanges === true,
          // As Spark: the provider that wrote the checkpoint's state reads it back; a checkpoint from
          // before the provider was recorded was written by the default one.
          providerClass: checkpoint.conf[STATE_STORE_PROVIDER_CLASS] ?? DEFAULT_STATE_STORE_PROVIDER,
          ...(deps.state.providerSettings === undefined
            ? {}
            : { providerSettings: deps.state.providerSettings }),
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
