/**
 * The scan of a batch read (`sluice.read...load()`): the connector's `BatchScan` reads its rows when
 * the plan runs, told which columns the query needs and which filters the planner pushed down
 * (exec/../planner/batch-scan-pushdown.ts), so it can skip partition folders and columns.
 */
import { SluiceError } from '../../errors.ts'
import type { BoundExpr } from '../../functions/bound-expr.ts'
import type { BatchScanHandle } from '../../plan/logical-plan.ts'
import type { ScanCondition } from '../../planner/scan-conditions.ts'
import type { ExecNode, RowBatch } from '../exec-node.ts'
import { compileExpr } from '../expr/compile-expr.ts'

/** What a scan is asked to read. */
export interface ScanRequest {
  /** Positions (in the scan's schema) of the columns the query reads, ascending; the others may be null. */
  readonly columns: readonly number[]
  /**
   * Conjuncts of the filter above the scan that refer only to the scan's partition columns, bound
   * to the scan's full row. The scan may skip a partition for which `matches` is false; the
   * filter still runs above the scan, so skipping is an optimisation only.
   */
  readonly filters: readonly BoundExpr[]
  /**
   * Conditions on one column each (planner/scan-conditions.ts) from every conjunct of the filters
   * above the scan: a scan may skip blocks (Parquet row groups) where no row can meet them.
   */
  readonly predicate: readonly ScanCondition[]
  /** True unless some filter is false or null for `row` (a full-width row; non-partition cells null). */
  matches(row: readonly unknown[]): boolean
}

/** The executable side of a batch read, made by the connector behind a `BatchScanHandle`. */
export interface BatchScan extends BatchScanHandle {
  /** The partition columns' positions in the scan's schema (filters on them prune folders). */
  readonly partitionColumns: readonly number[]
  /** The rows, in the scan's schema order (full width). Synchronous: actions are. */
  read(request: ScanRequest): unknown[][]
}

/**
 * The scan behind a plan's handle; INTERNAL when the handle is not one.
 *
 * @example requireBatchScan(node.scan).read(request)
 */
export function requireBatchScan(handle: BatchScanHandle): BatchScan {
  const s = handle as Partial<BatchScan>
  if (typeof s.read === 'function' && Array.isArray(s.partitionColumns)) return s as BatchScan
  throw new SluiceError(
    'INTERNAL',
    `The batch read '${handle.name}' has no scan to read it. This is a bug in Sluice; please report it.`,
  )
}

export class BatchScanExec implements ExecNode {
  readonly name = 'BatchScanExec'
  readonly children: readonly ExecNode[] = []
  private readonly scan: BatchScan
  private readonly request: ScanRequest

  constructor(
    scan: BatchScan,
    columns: readonly number[],
    filters: readonly BoundExpr[],
    predicate: readonly ScanCondition[] = [],
  ) {
    this.scan = scan
    const tests = filters.map(compileExpr)
    this.request = Object.freeze({
      columns: Object.freeze([...columns]),
      filters: Object.freeze([...filters]),
      predicate: Object.freeze([...predicate]),
      matches: (row: readonly unknown[]) => tests.every((t) => t(row as unknown[]) === true),
    })
  }

  describe(): string {
    const pushed = this.request.filters.length
    const conditions = this.request.predicate.length
    return `${this.scan.description} columns [${this.request.columns.join(', ')}]${pushed > 0 ? ` partition filters ${pushed}` : ''}${conditions > 0 ? ` pushed conditions ${conditions}` : ''}`
  }

  execute(): RowBatch {
    return this.scan.read(this.request)
  }
}
