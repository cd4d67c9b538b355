/**
 * Session windows for a groupBy (Spark's UpdatingSessionsExec, batch): each row's session is
 * [time, time + gap); within one group (equal other grouping keys), rows sorted by time, a session
 * that starts at or before the end of the current one merges into it (Spark's MergingSessions
 * overlap test is inclusive: an event exactly at the previous end joins that session). Every row
 * is passed on with its group's merged session appended, for the aggregation above to group by.
 */
import type { BoundExpr } from '../../functions/bound-expr.ts'
import { compositeKey, isSelfKeyed } from '../../functions/values.ts'
import type { ExecContext, ExecNode, Row, RowBatch } from '../exec-node.ts'
import { compileExpr, compileProjection } from '../expr/compile-expr.ts'
import { sqlOf } from '../stage-codegen.ts'

export interface SessionWindowSpec {
  /** The other grouping keys: sessions merge only within equal keys. */
  readonly keys: readonly BoundExpr[]
  /** Event time, epoch ms. */
  readonly time: BoundExpr
  /** Gap in ms; NULL or not positive drops the row. */
  readonly gap: BoundExpr
  /**
   * false in a streaming query: each row keeps its own session [time, time + gap), and the
   * stateful session aggregation merges sessions with the ones in state.
   */
  readonly merge?: boolean
}

/** A row with its own session [start, end), before merging. */
export interface PendingRow {
  readonly row: Row
  readonly start: number
  readonly end: number
}

interface Session {
  start: number
  end: number
}

export class SessionWindowExec implements ExecNode {
  readonly name = 'SessionWindowExec'
  readonly children: readonly ExecNode[]
  private readonly spec: SessionWindowSpec
  private readonly time: (row: Row) => unknown
  private readonly gap: (row: Row) => unknown
  private readonly key: (row: Row) => unknown

  constructor(child: ExecNode, spec: SessionWindowSpec) {
    this.children = [child]
    this.spec = spec
    this.time = compileExpr(spec.time)
    this.gap = compileExpr(spec.gap)
    this.key = keyFunction(spec.keys)
  }

  describe(): string {
    const { keys, time, gap } = this.spec
    return `keys=[${keys.map(sqlOf).join(', ')}], time=${sqlOf(time)}, gap=${sqlOf(gap)}`
  }

  execute(ctx: ExecContext): RowBatch {
    const groups = new Map<unknown, PendingRow[]>()
    for (const row of this.children[0].execute(ctx)) {
      const t = this.time(row) as number | null
      if (t === null) continue
      const g = this.gap(row) as number | null
      if (g === null || !(g > 0)) continue
      const k = this.key(row)
      let list = groups.get(k)
      if (list === undefined) groups.set(k, (list = []))
      list.push({ row, start: t, end: t + g })
    }
    const out: RowBatch = []
    if (this.spec.merge === false) {
      for (const list of groups.values())
        for (const p of list) out.push([...p.row, { start: p.start, end: p.end }])
      return out
    }
    for (const list of groups.values()) mergeSessions(list, out)
    return out
  }
}

/**
 * Sorts one group's rows by session start and appends each row with its merged session to `out`;
 * rows of one merged session share one struct.
 *
 * @example
 * // gap 5 min: rows at 00:00, 00:05, 00:20 -> [00:00, 00:10) twice, then [00:20, 00:25)
 * mergeSessions(rows, out)
 */
export function mergeSessions(list: PendingRow[], out: RowBatch): void {
  // Array.prototype.sort is stable: rows with equal times keep their input order.
  list.sort((a, b) => a.start - b.start)
  let i = 0
  while (i < list.length) {
    const session: Session = { start: list[i].start, end: list[i].end }
    let j = i + 1
    while (j < list.length && list[j].start <= session.end) {
      if (list[j].end > session.end) session.end = list[j].end
      j++
    }
    for (let k = i; k < j; k++) {
      const row = list[k].row.slice()
      row.push(session)
      out.push(row)
    }
    i = j
  }
}

/** The group of a row: its key value itself when there is one atomic key, else a composite string. */
function keyFunction(keys: readonly BoundExpr[]): (row: Row) => unknown {
  if (keys.length === 0) return () => 0
  if (keys.length === 1 && isSelfKeyed(keys[0].type)) return compileExpr(keys[0])
  const project = compileProjection(keys)
  return (row) => compositeKey(project(row))
}
