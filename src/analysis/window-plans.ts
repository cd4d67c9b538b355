/**
 * The nodes that compute a window column below the operator using it (window-analysis.ts):
 *
 * - tumbling window: Project(child..., window) over Filter(time IS NOT NULL), Spark's plan;
 * - sliding window: Generate(explode(windows containing the row)), in place of Spark's
 *   Expand + Filter, with the same rows in the same order (latest window first);
 * - session window as a grouping key: Sessionize, which merges overlapping sessions per group;
 * - session window elsewhere: the row's own session [t, t + gap) as a projection.
 *
 * The new column goes last, so the child's ordinals stay valid. It keeps the time column's
 * watermark marker when the time column is a plain column (Spark copies its metadata).
 */
import { type BoundCall, type BoundExpr, boundLiteral, boundRef } from '../functions/bound-expr.ts'
import { lookupFunction } from '../functions/catalog.ts'
import type { ScalarFunctionDef } from '../functions/function-def.ts'
import { WINDOW_TYPE } from '../functions/window-functions.ts'
import { t } from '../schema/data-type.ts'
import { type AnalyzedPlan, type Attribute, newAttribute, newAttributeLike } from './analyzed-plan.ts'
import type { Analyzer } from './analyzer.ts'
import type { WindowSpec } from './window-args.ts'

type TimeWindow = Extract<WindowSpec, { kind: 'window' }>
type SessionWindow = Extract<WindowSpec, { kind: 'session' }>
interface Planned {
  readonly plan: AnalyzedPlan
  readonly attr: Attribute
}

const windowAttr = (name: string, nullable: boolean, timeAttr: Attribute | undefined): Attribute =>
  timeAttr === undefined
    ? newAttribute(name, WINDOW_TYPE, nullable)
    : newAttributeLike(name, WINDOW_TYPE, nullable, timeAttr)

const refsTo = (attrs: readonly Attribute[]): BoundExpr[] =>
  attrs.map((a, i) => boundRef(i, a.name, a.type, a.nullable))

function windowCall(
  name: string,
  args: readonly BoundExpr[],
  sql: string,
  code: (a: readonly string[]) => string,
) {
  const call: BoundCall = {
    kind: 'call',
    name,
    impl: { kind: 'template', code },
    args,
    type: WINDOW_TYPE,
    nullable: args.some((a) => a.nullable),
    sql,
    deterministic: true,
    strict: true,
  }
  return Object.freeze(call)
}

/** Rows whose event time is NULL have no window (Spark filters them out). */
function withoutNullTimes(analyzer: Analyzer, time: BoundExpr, child: AnalyzedPlan): AnalyzedPlan {
  if (!time.nullable) return child
  return { kind: 'filter', condition: isNotNull(analyzer, time), child, output: child.output }
}

/** `e IS NOT NULL`, bound through the catalog's definition. */
function isNotNull(analyzer: Analyzer, e: BoundExpr): BoundExpr {
  const def = lookupFunction('isnotnull') as ScalarFunctionDef
  const r = def.bind([e], analyzer.ctx)
  const shown = e.kind === 'call' ? e.sql : e.kind === 'ref' ? e.name : 'time'
  const call: BoundCall = {
    kind: 'call',
    name: 'isnotnull',
    impl: r.impl,
    args: [e],
    type: r.type,
    nullable: false,
    sql: `(${shown} IS NOT NULL)`,
    deterministic: true,
  }
  return Object.freeze(call)
}

/** Window start: the latest `start + k * slide` at or before `x` (a positive modulo, also before 1970). */
const lastStartCode = (x: string, slide: number, offset: number): string =>
  `${x} - (((${offset === 0 ? x : `(${x} - ${offset})`} % ${slide}) + ${slide}) % ${slide})`

/**
 * A tumbling window as a projection, or a sliding one as a Generate.
 *
 * @example
 * planTimeWindow(analyzer, { kind: 'window', size: 600000, slide: 600000, ... }, child, ts) // Project [..., window]
 */
export function planTimeWindow(
  analyzer: Analyzer,
  spec: TimeWindow,
  child: AnalyzedPlan,
  timeAttr: Attribute | undefined,
): Planned {
  const { size, slide, start, time } = spec
  if (size !== slide) return planSlidingWindow(spec, child, timeAttr)
  const attr = windowAttr('window', false, timeAttr)
  const struct = windowCall('window', [time], spec.sql, ([x]) => {
    const s = lastStartCode(x, slide, start)
    return `{ start: ${s}, end: ${s} + ${size} }`
  })
  const below = withoutNullTimes(analyzer, time, child)
  const exprs = [...refsTo(child.output), struct]
  return { attr, plan: { kind: 'project', exprs, child: below, output: [...child.output, attr] } }
}

/** Spark's ceil(size / slide) candidate windows per row, keeping those that contain the row. */
function planSlidingWindow(spec: TimeWindow, child: AnalyzedPlan, timeAttr: Attribute | undefined): Planned {
  const { size, slide, start, time } = spec
  const attr = windowAttr('window', true, timeAttr)
  const count = Math.ceil(size / slide)
  const windows = (ts: number): { start: number; end: number }[] => {
    const last = ts - ((((ts - start) % slide) + slide) % slide)
    const out: { start: number; end: number }[] = []
    for (let i = 0; i < count; i++) {
      const s = last - i * slide
      if (s + size > ts) out.push({ start: s, end: s + size })
    }
    return out
  }
  const input: BoundCall = {
    kind: 'call',
    name: 'window',
    impl: { kind: 'fn', fn: windows },
    args: [time],
    type: t.array(WINDOW_TYPE, false),
    nullable: time.nullable,
    sql: spec.sql,
    deterministic: true,
    strict: true,
  }
  const output = [...child.output, attr]
  return { attr, plan: { kind: 'generate', generator: 'explode', outer: false, input, child, output } }
}

/**
 * session_window() as a grouping key: a Sessionize node gives each row the merged session of its
 * group (the other grouping keys), Spark's UpdatingSessions.
 *
 * @example
 * planSessionize(spec, [kBound], child, ts) // UpdatingSessions [k] -> output child..., session_window
 */
export function planSessionize(
  spec: SessionWindow,
  keys: readonly BoundExpr[],
  child: AnalyzedPlan,
  timeAttr: Attribute | undefined,
): Planned {
  const attr = windowAttr('session_window', false, timeAttr)
  const gap =
    typeof spec.gap === 'object' && spec.gap !== null ? spec.gap : boundLiteral(spec.gap, t.interval())
  const plan: AnalyzedPlan = {
    kind: 'sessionize',
    keys,
    time: spec.time,
    gap,
    child,
    output: [...child.output, attr],
  }
  return { attr, plan }
}

/**
 * session_window() outside a grouping key (a select, an aggregate's argument): each row's own
 * session [t, t + gap), with no merging, as in Spark. Rows with a NULL time or a gap that is NULL
 * or not positive are dropped.
 *
 * @example
 * planSessionPerRow(analyzer, { kind: 'session', gap: 300000, ... }, child, ts) // Project [..., session_window]
 */
export function planSessionPerRow(
  analyzer: Analyzer,
  spec: SessionWindow,
  child: AnalyzedPlan,
  timeAttr: Attribute | undefined,
): Planned {
  const attr = windowAttr('session_window', false, timeAttr)
  const output = [...child.output, attr]
  const { gap, time } = spec
  if (typeof gap === 'number' || gap === null) {
    const struct = windowCall(
      'session_window',
      [time],
      spec.sql,
      ([x]) => `{ start: ${x}, end: ${x} + ${gap} }`,
    )
    const below: AnalyzedPlan =
      gap === null || gap <= 0
        ? { kind: 'filter', condition: boundLiteral(false, t.boolean()), child, output: child.output }
        : withoutNullTimes(analyzer, time, child)
    return { attr, plan: { kind: 'project', exprs: [...refsTo(child.output), struct], child: below, output } }
  }
  const struct = Object.freeze({
    ...windowCall(
      'session_window',
      [time, gap],
      spec.sql,
      ([x, g]) => `${g} > 0 ? { start: ${x}, end: ${x} + ${g} } : null`,
    ),
    nullable: true,
    strict: false,
  })
  const project: AnalyzedPlan = { kind: 'project', exprs: [...refsTo(child.output), struct], child, output }
  const isSession = boundRef(child.output.length, attr.name, WINDOW_TYPE, true)
  const condition = isNotNull(analyzer, isSession)
  return { attr, plan: { kind: 'filter', condition, child: project, output } }
}
