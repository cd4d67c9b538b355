/**
 * `observe(name, ...metrics)` (Spark's CollectMetricsExec): passes its child's rows through
 * unchanged and records the metrics, a global aggregate over those rows, under `name`: in the
 * micro-batch's context for a stream (reported in progress), or with the action's collector for a
 * batch query (handed to an Observation once the action succeeds).
 */
import type { BoundAggCall } from '../../analysis/analyzed-plan.ts'
import type { BoundExpr } from '../../functions/bound-expr.ts'
import type { StructType } from '../../schema/data-type.ts'
import { compileRowDecoder } from '../../schema/row-codec.ts'
import type { ExecContext, ExecNode, RowBatch } from '../exec-node.ts'
import { compileProjection } from '../expr/compile-expr.ts'
import {
  type AggregateSpec,
  compileFinish,
  compileInitial,
  compileUpdate,
  slotLayout,
} from './hash-aggregate-exec.ts'

export class ObserveExec implements ExecNode {
  readonly name = 'CollectMetricsExec'
  readonly children: readonly ExecNode[]
  private readonly metricName: string
  private readonly spec: AggregateSpec
  private readonly metrics: (rows: RowBatch) => Readonly<Record<string, unknown>>

  constructor(
    child: ExecNode,
    opts: {
      name: string
      aggs: readonly BoundAggCall[]
      results: readonly BoundExpr[]
      schema: StructType
      inputWidth: number
    },
  ) {
    this.children = [child]
    this.metricName = opts.name
    this.spec = { groupBy: [], aggs: opts.aggs, results: opts.results }
    const slots = slotLayout(this.spec)
    const { update } = compileUpdate(this.spec, { ops: [], inputWidth: opts.inputWidth }, slots)
    const finish = compileFinish(this.spec, slots)
    const initial = compileInitial(this.spec)
    const project = compileProjection(opts.results)
    const decode = compileRowDecoder(opts.schema)
    this.metrics = (rows) => {
      const groups: Record<string, unknown>[] = []
      update(rows, groups)
      return Object.freeze(decode(project(finish(groups[0] ?? initial()))))
    }
  }

  describe(): string {
    return `${this.metricName}, [${this.spec.aggs.map((a) => a.sql).join(', ')}]`
  }

  execute(ctx: ExecContext): RowBatch {
    const rows = this.children[0].execute(ctx)
    // A late candidate's replay only asks which rows reach the operator above: record nothing.
    if (ctx.replay !== undefined) return rows
    const record = ctx.stream?.observedMetrics.add ?? ctx.observedMetrics
    record?.(this.metricName, this.metrics(rows))
    return rows
  }
}
