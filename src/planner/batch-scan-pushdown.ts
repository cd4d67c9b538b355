/**
 * What a batch scan is told when the planner builds it: the columns the stage above it reads, the
 * conjuncts of the filters below the stage's first projection that refer only to partition
 * columns (Spark's PruneFileSourcePartitions and column pruning, for one filter/project stage),
 * and the conditions on one column those filters hold (a Parquet scan skips row groups by them).
 */
import type { AnalyzedPlan } from '../analysis/analyzed-plan.ts'
import { BatchScanExec, requireBatchScan } from '../exec/ops/batch-scan-exec.ts'
import type { StageOp } from '../exec/stage-codegen.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { type ScanCondition, scanConditionsOf } from './scan-conditions.ts'

type ScanPlan = Extract<AnalyzedPlan, { kind: 'batchScan' }>

function collectRefs(e: BoundExpr, out: Set<number>): void {
  switch (e.kind) {
    case 'ref':
      out.add(e.ordinal)
      return
    case 'literal':
    case 'lambdaVar':
      return
    case 'call':
    case 'udf':
      for (const a of e.args) collectRefs(a, out)
      return
    case 'case':
      for (const b of e.branches) {
        collectRefs(b.when, out)
        collectRefs(b.then, out)
      }
      if (e.otherwise !== null) collectRefs(e.otherwise, out)
      return
    case 'field':
      collectRefs(e.child, out)
      return
    case 'lambda':
      collectRefs(e.body, out)
      return
  }
}

function refsOf(e: BoundExpr): Set<number> {
  const out = new Set<number>()
  collectRefs(e, out)
  return out
}

function conjuncts(e: BoundExpr): BoundExpr[] {
  return e.kind === 'call' && e.name === 'and' ? e.args.flatMap(conjuncts) : [e]
}

const deterministic = (e: BoundExpr): boolean =>
  e.kind === 'udf'
    ? false
    : e.kind === 'call'
      ? e.deterministic && e.args.every(deterministic)
      : e.kind === 'case'
        ? e.branches.every((b) => deterministic(b.when) && deterministic(b.then)) &&
          (e.otherwise === null || deterministic(e.otherwise))
        : e.kind === 'field'
          ? deterministic(e.child)
          : true

/**
 * The scan below a filter/project stage (`ops`, bottom-up), told what the stage needs. Without a
 * projection in the stage every column is needed, unless `consumer` (the expressions of the
 * operator fused on top, such as an aggregation's keys and arguments) says which.
 *
 * @example planScan(below, ops) // BatchScanExec reading columns [0, 2] of partitions where day = '2024-01-15'
 */
export function planBatchScan(
  scan: ScanPlan,
  ops: readonly StageOp[],
  consumer?: readonly BoundExpr[],
): BatchScanExec {
  const handle = requireBatchScan(scan.scan)
  const width = scan.output.length
  const partitions = new Set(handle.partitionColumns)
  const used = new Set<number>()
  const filters: BoundExpr[] = []
  const predicate: ScanCondition[] = []
  let projected = false
  for (const op of ops) {
    if (op.kind === 'project') {
      for (const e of op.exprs) for (const r of refsOf(e)) used.add(r)
      projected = true
      break
    }
    scanConditionsOf(op.condition, predicate)
    for (const c of conjuncts(op.condition)) {
      const refs = refsOf(c)
      for (const r of refs) used.add(r)
      if (refs.size > 0 && [...refs].every((r) => partitions.has(r)) && deterministic(c)) filters.push(c)
    }
  }
  if (!projected && consumer !== undefined) for (const e of consumer) for (const r of refsOf(e)) used.add(r)
  const columns =
    projected || consumer !== undefined
      ? [...used].sort((a, b) => a - b)
      : Array.from({ length: width }, (_, i) => i)
  return new BatchScanExec(handle, columns, filters, predicate)
}

/**
 * The scan read whole (no stage above it).
 *
 * @example planWholeScan(scanPlan)
 */
export function planWholeScan(scan: ScanPlan): BatchScanExec {
  return planBatchScan(scan, [])
}
