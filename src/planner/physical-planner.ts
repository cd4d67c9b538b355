/**
 * Turns an analyzed plan into physical operators. Chains of filters and projections are fused into
 * one stage, and a stage directly below an aggregation is fused into the aggregation's loop.
 */
import { type AnalyzedPlan, eventTimeColumn, schemaOfAttributes } from '../analysis/analyzed-plan.ts'
import { isStreamingAnalyzed } from '../analysis/streaming-checks.ts'
import { SluiceError } from '../errors.ts'
import type { ExecNode } from '../exec/exec-node.ts'
import {
  DeduplicateExec,
  GenerateExec,
  LimitExec,
  LocalScanExec,
  MapRowsExec,
  SortExec,
  UnionExec,
} from '../exec/ops/basic-ops.ts'
import { BatchGroupsWithStateExec } from '../exec/ops/batch-groups-with-state-exec.ts'
import { DeadLetterExec } from '../exec/ops/dead-letter-exec.ts'
import { HashAggregateExec } from '../exec/ops/hash-aggregate-exec.ts'
import { JoinExec } from '../exec/ops/join-exec.ts'
import { ObserveExec } from '../exec/ops/observe-exec.ts'
import { PipelineExec } from '../exec/ops/pipeline-exec.ts'
import { SessionWindowExec } from '../exec/ops/session-window-exec.ts'
import type { StageOp } from '../exec/stage-codegen.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { compileRowDecoder, compileRowEncoder } from '../schema/row-codec.ts'
import { planBatchScan, planWholeScan } from './batch-scan-pushdown.ts'
import {
  planBatchTransformWithState,
  planGroupsWithState,
  planTransformWithState,
} from './groups-with-state-planner.ts'
import type { IncrementalPlanning } from './incremental-plan.ts'
import { refineNullability, refineStage } from './refine-nullability.ts'
import { planStatefulAggregate, planStreamingDedup, planWatermark } from './stateful-planner.ts'
import { planStreamingJoin } from './streaming-join-planner.ts'

export interface PlannerHooks {
  /** The scan of a stream's rows for the current micro-batch; absent outside a streaming query. */
  streamingScan?(relationId: number, sourceName: string): ExecNode
  /** Set by planIncremental: where a streaming query's operators declare their streaming facts. */
  readonly incremental?: IncrementalPlanning
}

/** Collects the filter/project chain on top of `p`; returns it (bottom-up) and the node below. */
export function collectStage(p: AnalyzedPlan): { ops: StageOp[]; below: AnalyzedPlan } {
  const ops: StageOp[] = []
  let cur = p
  for (;;) {
    if (cur.kind === 'filter') ops.push({ kind: 'filter', condition: cur.condition })
    else if (cur.kind === 'project') ops.push({ kind: 'project', exprs: cur.exprs })
    else break
    cur = cur.child
  }
  return { ops: ops.reverse(), below: cur }
}

export function planPhysical(p: AnalyzedPlan, hooks: PlannerHooks): ExecNode {
  const plan = (x: AnalyzedPlan): ExecNode => planPhysical(x, hooks)
  // Inside a streaming query, the operators over a stream (not over static data) are incremental.
  const incremental =
    hooks.incremental !== undefined && isStreamingAnalyzed(p) ? hooks.incremental : undefined
  switch (p.kind) {
    case 'filter':
    case 'project': {
      const { ops, below } = collectStage(p)
      const input = below.kind === 'batchScan' ? planBatchScan(below, ops) : plan(below)
      return new PipelineExec(input, refineStage(ops).ops, below.output.length)
    }
    case 'aggregate': {
      if (incremental !== undefined) return planStatefulAggregate(p, hooks, incremental)
      const stage = collectStage(p.child)
      const { ops, nonNull } = refineStage(stage.ops)
      const refine = (e: BoundExpr) => refineNullability(e, nonNull)
      const aggs = p.aggs.map((a) => ({ ...a, args: a.args.map(refine) }))
      const spec = { groupBy: p.groupBy.map(refine), aggs, results: p.results }
      const below = stage.below
      const input =
        below.kind === 'batchScan'
          ? planBatchScan(below, stage.ops, [...p.groupBy, ...p.aggs.flatMap((a) => a.args)])
          : plan(below)
      return new HashAggregateExec(input, { ops, inputWidth: below.output.length }, spec)
    }
    case 'localRelation':
      return new LocalScanExec(p.rows)
    case 'batchScan':
      return planWholeScan(p)
    case 'streamingRelation':
      if (hooks.streamingScan === undefined) {
        throw new SluiceError(
          'UNSUPPORTED_OPERATION',
          `Queries with streaming sources must be executed with writeStream.start(); this query reads the stream \`${p.sourceName}\`.`,
        )
      }
      return hooks.streamingScan(p.relationId, p.sourceName)
    case 'sort':
      return new SortExec(plan(p.child), p.keys)
    case 'limit':
      return new LimitExec(plan(p.child), p.n)
    case 'deduplicate':
      if (incremental !== undefined) return planStreamingDedup(p, hooks, incremental)
      return new DeduplicateExec(plan(p.child), p.keys)
    case 'watermark':
      return incremental === undefined ? plan(p.child) : planWatermark(p, hooks, incremental)
    case 'union':
      return new UnionExec(plan(p.left), plan(p.right))
    case 'deadLetter':
      return new DeadLetterExec(plan(p.child), {
        name: p.name,
        condition: p.condition,
        raw: p.raw,
        error: p.error,
        input: schemaOfAttributes(p.child.output),
      })
    case 'observe':
      return new ObserveExec(plan(p.child), {
        name: p.name,
        aggs: p.aggs,
        results: p.results,
        schema: p.metrics,
        inputWidth: p.child.output.length,
      })
    case 'sessionize':
      return new SessionWindowExec(plan(p.child), {
        keys: p.keys,
        time: p.time,
        gap: p.gap,
        merge: incremental === undefined,
      })
    case 'generate':
      return new GenerateExec(plan(p.child), {
        input: p.input,
        pos: p.generator === 'posexplode',
        outer: p.outer,
        inline: p.generator === 'inline',
      })
    case 'join':
      if (incremental !== undefined && isStreamingAnalyzed(p.left) && isStreamingAnalyzed(p.right))
        return planStreamingJoin(p, hooks, incremental)
      return new JoinExec(plan(p.left), plan(p.right), {
        joinType: p.joinType,
        leftKeys: p.leftKeys,
        rightKeys: p.rightKeys,
        residual: p.residual,
        leftWidth: p.left.output.length,
        rightWidth: p.right.output.length,
      })
    case 'groupsWithState':
      if (incremental !== undefined) return planGroupsWithState(p, hooks, incremental)
      return new BatchGroupsWithStateExec(
        plan(p.child),
        p.spec,
        schemaOfAttributes(p.child.output),
        eventTimeColumn(p.child.output) >= 0,
      )
    case 'transformWithState':
      if (incremental !== undefined) return planTransformWithState(p, hooks, incremental)
      return planBatchTransformWithState(p, plan(p.child))
    case 'mapRows':
      return new MapRowsExec(plan(p.child), {
        fn: p.fn,
        flat: p.flat,
        decode: compileRowDecoder(schemaOfAttributes(p.child.output)),
        encode: compileRowEncoder(schemaOfAttributes(p.output)),
      })
  }
}
