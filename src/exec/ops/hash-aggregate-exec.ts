/**
 * Hash aggregation fused with the stage below it: one generated loop filters, projects, computes
 * the group key and updates every aggregate's slots in place. A group's state is one object made
 * by a literal in the generated code, `{ k0, k1, ..., s0, s1, ... }` (keys, then every aggregate's
 * slots), so V8 gives all groups one hidden class and keeps numeric slots unboxed.
 */
import type { BoundAggCall } from '../../analysis/analyzed-plan.ts'
import type { BoundExpr } from '../../functions/bound-expr.ts'
import type { DataType } from '../../schema/data-type.ts'
import type { CodegenExec, ExecContext, ExecNode, Row, RowBatch } from '../exec-node.ts'
import { CodeBuilder } from '../expr/code-builder.ts'
import { compileProjection } from '../expr/compile-expr.ts'
import { genExpr } from '../expr/expr-codegen.ts'
import { foldConstants } from '../expr/fold-constants.ts'
import { describeStage, emitStage, type StageOp, sqlOf } from '../stage-codegen.ts'
import { groupKeyCode, groupLevelsCode } from './group-key-code.ts'

export interface AggregateSpec {
  readonly groupBy: readonly BoundExpr[]
  readonly aggs: readonly BoundAggCall[]
  /** Output expressions over [keys..., aggregate values...]. */
  readonly results: readonly BoundExpr[]
}

export type GroupState = Record<string, unknown>
/**
 * `update(rows, out)`: aggregates `rows` into new groups, each pushed onto `out` (empty) when made;
 * a global aggregate (no keys) makes one group at most.
 */
export type Update = (rows: RowBatch, out: GroupState[]) => void

export class HashAggregateExec implements CodegenExec {
  readonly name = 'HashAggregateExec'
  readonly children: readonly ExecNode[]
  private readonly update: Update
  private readonly finish: (st: GroupState) => Row
  private readonly initial: () => GroupState
  private readonly project: (row: Row) => Row
  private readonly stage: readonly StageOp[]
  readonly spec: AggregateSpec
  readonly generatedCode: string

  /** `stage` is the fused filter/project chain between `child` and the aggregation. */
  constructor(child: ExecNode, stage: { ops: readonly StageOp[]; inputWidth: number }, spec: AggregateSpec) {
    this.children = [child]
    this.stage = stage.ops
    this.spec = spec
    const slots = slotLayout(spec)
    const built = compileUpdate(spec, stage, slots)
    this.update = built.update
    this.generatedCode = built.code
    this.finish = compileFinish(spec, slots)
    this.initial = compileInitial(spec)
    this.project = compileProjection(spec.results)
  }

  describe(): string {
    const stage = this.stage.length > 0 ? ` <- ${describeStage(this.stage)}` : ''
    return `keys=[${this.spec.groupBy.map(sqlOf).join(', ')}], functions=[${this.spec.aggs.map((a) => a.sql).join(', ')}]${stage}`
  }

  execute(ctx: ExecContext): RowBatch {
    const groups: GroupState[] = []
    this.update(this.children[0].execute(ctx), groups)
    // A global aggregate over no rows still yields one row (count = 0, sum = NULL), as in Spark.
    if (groups.length === 0 && this.spec.groupBy.length === 0) groups.push(this.initial())
    const out: RowBatch = []
    for (const st of groups) out.push(this.project(this.finish(st)))
    return out
  }
}

/** Slot expressions of each aggregate within the group state object `st`. */
export function slotLayout(spec: AggregateSpec): string[][] {
  let next = 0
  return spec.aggs.map((a) => a.impl.init.map(() => `st.s${next++}`))
}

/** The object literal of a new group's state. */
export function stateLiteral(spec: AggregateSpec, keys: readonly string[]): string {
  let next = 0
  const slots = spec.aggs.flatMap((a) => a.impl.init.map((init) => `s${next++}: ${init}`))
  return `{ ${[...keys.map((k, i) => `k${i}: ${k}`), ...slots].join(', ')} }`
}

export function declareHelpers(b: CodeBuilder, spec: AggregateSpec): void {
  const seen = new Set<string>()
  for (const a of spec.aggs) {
    for (const [name, value] of Object.entries(a.impl.helpers ?? {})) {
      if (seen.has(name)) continue
      seen.add(name)
      b.emit(`const ${name} = ${b.constant(value)}`)
    }
  }
}

export function compileUpdate(
  spec: AggregateSpec,
  stage: { ops: readonly StageOp[]; inputWidth: number },
  slots: string[][],
): { update: Update; code: string } {
  const b = new CodeBuilder()
  declareHelpers(b, spec)
  const types = spec.groupBy.map((k) => k.type)
  const nested = groupLevelsCode(
    b,
    types,
    types.map(() => ''),
  )
  // The group index, and for a nested one the last prefix's values and inner map.
  b.emit('const $index = new Map()')
  const prefix = nested === undefined ? [] : nested.slice(0, -1).map((_, i) => `$p${i}`)
  for (const p of prefix) b.emit(`let $last_${p}`)
  if (nested !== undefined) b.emit('let $inner')
  // With an atomic key last, the prefix is every struct field: the groups under one inner map
  // share the struct object of its first row (one window object per window, not per group).
  const shared = nested === undefined || prefix.length < nested.length - 1 ? [] : structKeys(types)
  for (const i of shared) b.emit(`let $struct${i}`)
  b.block('for (let i = 0; i < rows.length; i++)', () => {
    b.emit('const r = rows[i]')
    const { access } = emitStage(b, stage.ops, 'r', stage.inputWidth)
    // NOTE: -0.0 and 0.0 are one group whose key reads 0.0, as Spark normalises floating keys.
    const keys = spec.groupBy.map((k) => {
      const v = genExpr(foldConstants(k), b, access)
      return k.type.kind === 'double' || k.type.kind === 'float' ? `(${v} === 0 ? 0 : ${v})` : v
    })
    const levels = groupLevelsCode(b, types, keys)
    if (levels === undefined) {
      // A single atomic key is its own Map key; other keys make one string (group-key-code.ts).
      b.emit(`const gk = ${groupKeyCode(b, types, keys)}`)
      b.emit('const $groups = $index')
    } else
      emitNestedLookup(b, levels, prefix, () => {
        for (const i of shared) b.emit(`$struct${i} = ${keys[i]}`)
      })
    b.emit('let st = $groups.get(gk)')
    b.block('if (st === undefined)', () => {
      const groupKeys = keys.map((k, i) => (shared.includes(i) ? `$struct${i}` : k))
      b.emit(`st = ${stateLiteral(spec, groupKeys)}`)
      b.emit('$groups.set(gk, st)')
      b.emit('$out.push(st)')
    })
    spec.aggs.forEach((a, i) => {
      const args = a.args.map((e) => genExpr(foldConstants(e), b, access))
      const nullable = args.filter((v, j) => a.args[j].nullable && v !== 'null')
      const update = a.impl.update(slots[i], args)
      if (a.impl.acceptsNull || nullable.length === 0) b.emit(update)
      else b.emit(`if (${nullable.map((v) => `${v} !== null`).join(' && ')}) { ${update} }`)
    })
  })
  const update = b.build<Update>(['rows', '$out'])
  return { update, code: b.lastSource }
}

/**
 * The inner map of a nested group index (`$groups`) and the key within it (`gk`): the prefix
 * levels' map is looked up only when a prefix value differs from the last row's.
 */
function emitNestedLookup(
  b: CodeBuilder,
  levels: readonly string[],
  prefix: readonly string[],
  onNewPrefix: () => void,
): void {
  prefix.forEach((p, i) => {
    b.emit(`const ${p} = ${levels[i]}`)
  })
  b.emit(`const gk = ${levels[levels.length - 1]}`)
  const changed = prefix.map((p) => `${p} !== $last_${p}`)
  b.block(`if (${['$inner === undefined', ...changed].join(' || ')})`, () => {
    b.emit('let $m = $index')
    for (const p of prefix) {
      b.emit(`let $m_${p} = $m.get(${p})`)
      b.emit(`if ($m_${p} === undefined) { $m_${p} = new Map(); $m.set(${p}, $m_${p}) }`)
      b.emit(`$m = $m_${p}`)
      b.emit(`$last_${p} = ${p}`)
    }
    b.emit('$inner = $m')
    onNewPrefix()
  })
  b.emit('const $groups = $inner')
}

/** The positions of the struct-typed keys. */
function structKeys(types: readonly DataType[]): number[] {
  return types.flatMap((t, i) => (t.kind === 'struct' ? [i] : []))
}

export function compileFinish(spec: AggregateSpec, slots: string[][]): (st: GroupState) => Row {
  const b = new CodeBuilder()
  declareHelpers(b, spec)
  const keys = spec.groupBy.map((_, i) => `st.k${i}`)
  b.emit(`return [${[...keys, ...spec.aggs.map((a, i) => a.impl.finish(slots[i]))].join(', ')}]`)
  return b.build(['st'])
}

export function compileInitial(spec: AggregateSpec): () => GroupState {
  const b = new CodeBuilder()
  declareHelpers(b, spec)
  b.emit(`return ${stateLiteral(spec, [])}`)
  return b.build([])
}
