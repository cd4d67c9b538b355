/**
 * The memory streams a script's query reads: which progress `sources[i]` each one is (the runtime
 * numbers a query's inputs left to right, each streaming relation once), and a copy of the plan
 * over fresh streams holding the same data, so a second run of a script starts from the same
 * inputs as the first.
 */
import type { MemoryStreamInput } from '../api/memory-stream.ts'
import { MemoryStream } from '../connectors/memory/memory-stream.ts'
import { type LogicalPlan, logicalPlans, type StreamingRelationNode } from '../plan/logical-plan.ts'

/**
 * The MemoryStream behind a `sluice.memoryStream(...)` input.
 * @example memoryStreamOf(input).currentOffset // -1 before any addData
 */
export function memoryStreamOf(input: MemoryStreamInput<any>): MemoryStream {
  const plan = input.toDF().plan
  if (plan.kind === 'streamingRelation' && plan.source instanceof MemoryStream) return plan.source
  throw new Error('addData() takes an input made by sluice.memoryStream(schema).')
}

/**
 * The plan's streaming relations in the order the runtime numbers them (left to right, each once),
 * which is the order of `progress.sources`.
 * @example streamingRelationsOf(input.toDF().union(other.toDF()).plan).length // 2
 */
export function streamingRelationsOf(plan: LogicalPlan): StreamingRelationNode[] {
  const out: StreamingRelationNode[] = []
  logicalPlans.walk(plan, (p) => {
    if (p.kind === 'streamingRelation' && !out.includes(p)) out.push(p)
  })
  return out
}

/**
 * Indexes into `progress.sources` of the relations that read `stream`.
 * @example sourceIndexesOf(df.plan, memoryStreamOf(input)) // [0]
 */
export function sourceIndexesOf(plan: LogicalPlan, stream: MemoryStream): number[] {
  return streamingRelationsOf(plan).flatMap((r, i) => (r.source === stream ? [i] : []))
}

/** A stream with the same batches of data as `stream` has now. */
function copyOf(stream: MemoryStream): MemoryStream {
  const copy = new MemoryStream(stream.fullSchema)
  for (let i = 0; i <= stream.currentOffset; i++) copy.addData(...stream.readRange(i - 1, i))
  return copy
}

/**
 * The plan with each memory stream replaced by a fresh copy of it (same data, same offsets), node
 * ids kept so column references still resolve; `streams` maps each original to its copy.
 * @example const { plan, streams } = withFreshStreams(df.plan)
 */
export function withFreshStreams(plan: LogicalPlan): {
  plan: LogicalPlan
  streams: Map<MemoryStream, MemoryStream>
} {
  const streams = new Map<MemoryStream, MemoryStream>()
  // A node reused in the tree (df.union(df)) must stay one node: the runtime counts inputs by identity.
  const done = new Map<LogicalPlan, LogicalPlan>()
  const rewrite = (p: LogicalPlan): LogicalPlan => {
    let out = done.get(p)
    if (out === undefined) done.set(p, (out = rewriteNode(p)))
    return out
  }
  const rewriteNode = (p: LogicalPlan): LogicalPlan => {
    if (p.kind !== 'streamingRelation') return logicalPlans.mapChildren(p, rewrite)
    if (!(p.source instanceof MemoryStream)) return p
    let copy = streams.get(p.source)
    if (copy === undefined) streams.set(p.source, (copy = copyOf(p.source)))
    return Object.freeze({ ...p, source: copy })
  }
  return { plan: rewrite(plan), streams }
}
