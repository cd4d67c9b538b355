/**
 * select(): expands stars, names output columns as Spark does, turns a select with aggregates into
 * a global aggregation, and a top-level explode()/posexplode() into a Generate node.
 */
import { SluiceError } from '../errors.ts'
import type { BoundExpr } from '../functions/bound-expr.ts'
import { aliasExpr, columnExpr, type Expr } from '../plan/expr.ts'
import { autoName } from '../plan/sql/expr-sql.ts'
import { t } from '../schema/data-type.ts'
import { analyzeAggregate, containsAggregate } from './aggregate-analysis.ts'
import type { AnalyzedPlan, Attribute } from './analyzed-plan.ts'
import { markerSourceOf, newAttribute, newAttributeLike, passedThrough } from './analyzed-plan.ts'
import type { Analyzer } from './analyzer.ts'
import { bindRowGenerator, ROW_GENERATORS } from './row-generator-analysis.ts'
import { resolveColumn } from './scope.ts'
import { rewriteTimeWindows } from './window-analysis.ts'

/** The output name of a select item. */
export function outputName(e: Expr): string {
  if (e.kind === 'alias') return e.name
  return autoName(e)
}

/** Replaces `*` and `x.*` items by the columns they stand for. */
export function expandStars(analyzer: Analyzer, exprs: readonly Expr[], input: readonly Attribute[]): Expr[] {
  return exprs.flatMap((e): Expr[] => {
    if (e.kind === 'call' && e.name === 'count' && e.args.length === 1 && e.args[0].kind === 'star') {
      return [{ ...e, args: [{ kind: 'literal', value: 1, type: t.int() }] }]
    }
    if (e.kind !== 'star') return [e]
    if (e.target.length === 0) return input.map((a) => aliasExpr(columnRefTo(input, a), a.name))
    const byQualifier = input.filter(
      (a) => a.qualifier !== null && a.qualifier.toLowerCase() === e.target[0].toLowerCase(),
    )
    if (e.target.length === 1 && byQualifier.length > 0)
      return byQualifier.map((a) => aliasExpr(columnRefTo(input, a), a.name))
    const r = resolveColumn(analyzer.scope(input, 'Project'), e.target)
    const struct = analyzer.bind(columnExpr(e.target), input, 'Project')
    if (struct.type.kind !== 'struct') {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `\`${e.target.join('.')}.*\`: \`${r.attr.name}\` is not a struct or a DataFrame alias.`,
      )
    }
    return struct.type.fields.map((f) => aliasExpr(columnExpr([...e.target, f.name]), f.name))
  })
}

/** A column expression that resolves to exactly `a` (qualified when the name alone is ambiguous). */
function columnRefTo(input: readonly Attribute[], a: Attribute): Expr {
  const same = input.filter((b) => b.name.toLowerCase() === a.name.toLowerCase())
  if (same.length === 1 || a.qualifier === null)
    return same.length === 1 ? columnExpr([a.name]) : positional(input, a)
  return input.filter((b) => b.qualifier === a.qualifier && b.name === a.name).length === 1
    ? columnExpr([a.qualifier, a.name])
    : positional(input, a)
}

// A reference by attribute id for `*` over duplicate names (e.g. after a join without aliases).
function positional(input: readonly Attribute[], a: Attribute): Expr {
  return { kind: 'column', parts: [`\u0000#${input.indexOf(a)}`] }
}

export function analyzeProject(
  analyzer: Analyzer,
  items: readonly Expr[],
  input: AnalyzedPlan,
): AnalyzedPlan {
  // window()/session_window() add their column below; stars expand over the input's columns only.
  const windowed = rewriteTimeWindows(analyzer, [], expandStars(analyzer, items, input.output), input)
  const exprs = [...windowed.items]
  const child = windowed.child
  if (exprs.some(containsAggregate)) return analyzeAggregate(analyzer, [], exprs, child)
  const genIndex = exprs.findIndex((e) => isGenerator(e.kind === 'alias' ? e.child : e))
  if (genIndex >= 0) return analyzeGenerate(analyzer, exprs, genIndex, child)
  const bound = exprs.map((e) => bindItem(analyzer, e, child.output))
  const output = exprs.map((e, i) => attributeFor(e, bound[i], child.output))
  return { kind: 'project', exprs: bound, child, output }
}

function bindItem(analyzer: Analyzer, e: Expr, input: readonly Attribute[]): BoundExpr {
  const inner = e.kind === 'alias' ? e.child : e
  if (inner.kind === 'column' && inner.parts.length === 1 && inner.parts[0].startsWith('\u0000#')) {
    const i = Number(inner.parts[0].slice(2))
    const a = input[i]
    return Object.freeze({ kind: 'ref', ordinal: i, name: a.name, type: a.type, nullable: a.nullable })
  }
  return analyzer.bind(e, input, 'Project')
}

/** Keeps the attribute id of a plain column reference, so df.col() still finds it downstream. */
function attributeFor(e: Expr, b: BoundExpr, input: readonly Attribute[]): Attribute {
  const name = outputName(e)
  if (b.kind === 'ref' && e.kind === 'column') return input[b.ordinal]
  if (b.kind === 'ref' && e.kind === 'alias') return passedThrough(input[b.ordinal], name, b.type, b.nullable)
  const from = markerSourceOf(b, input)
  return from === undefined
    ? newAttribute(name, b.type, b.nullable)
    : newAttributeLike(name, b.type, b.nullable, from)
}

const GENERATORS = new Set(['explode', 'explode_outer', 'posexplode', 'posexplode_outer', ...ROW_GENERATORS])
const isGenerator = (e: Expr): e is Extract<Expr, { kind: 'call' }> =>
  e.kind === 'call' && GENERATORS.has(e.name)

function analyzeGenerate(
  analyzer: Analyzer,
  exprs: Expr[],
  index: number,
  child: AnalyzedPlan,
): AnalyzedPlan {
  if (exprs.filter((e) => isGenerator(e.kind === 'alias' ? e.child : e)).length > 1) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      'Only one generator (explode, posexplode, inline, stack, json_tuple) is allowed per select(); chain two select() calls instead.',
    )
  }
  const item = exprs[index]
  const call = (item.kind === 'alias' ? item.child : item) as Extract<Expr, { kind: 'call' }>
  const made = ROW_GENERATORS.has(call.name)
    ? rowGenerate(analyzer, item, call, child)
    : explodeGenerate(analyzer, item, call, child)
  const { generated, ...node } = made
  const gen: AnalyzedPlan = { ...node, child, output: [...child.output, ...generated] }
  const base = child.output.length
  const rest: Expr[] = exprs.flatMap((e, i) =>
    i === index ? generated.map((_, j) => ({ kind: 'column', parts: [`\u0000#${base + j}`] }) as Expr) : [e],
  )
  const bound = rest.map((e) => bindItem(analyzer, e, gen.output))
  const output = rest.map((e, i) => {
    const gi =
      e.kind === 'column' && e.parts[0].startsWith('\u0000#') ? Number(e.parts[0].slice(2)) - base : -1
    return gi >= 0 ? generated[gi] : attributeFor(e, bound[i], gen.output)
  })
  return { kind: 'project', exprs: bound, child: gen, output }
}

/** The Generate node a generator makes, with the columns it adds. */
interface Made {
  readonly kind: 'generate'
  readonly generator: 'explode' | 'posexplode' | 'inline'
  readonly outer: boolean
  readonly input: BoundExpr
  readonly generated: Attribute[]
}

/** inline, stack, json_tuple: one column per struct field (an alias names a single column). */
function rowGenerate(
  analyzer: Analyzer,
  item: Expr,
  call: Extract<Expr, { kind: 'call' }>,
  child: AnalyzedPlan,
): Made {
  const g = bindRowGenerator(analyzer, call, child.output)
  if (item.kind === 'alias' && g.fields.length > 1) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `\`${call.name}\` makes ${g.fields.length} columns (${g.fields.map((f) => f.name).join(', ')}) and cannot take one alias \`${item.name}\`; rename them in a following select().`,
    )
  }
  const generated = g.fields.map((f) =>
    newAttribute(item.kind === 'alias' ? item.name : f.name, f.type, true),
  )
  return { kind: 'generate', generator: 'inline', outer: g.outer, input: g.input, generated }
}

function explodeGenerate(
  analyzer: Analyzer,
  item: Expr,
  call: Extract<Expr, { kind: 'call' }>,
  child: AnalyzedPlan,
): Made {
  const input = analyzer.bind(call.args[0], child.output, 'Generate')
  const pos = call.name.startsWith('pos')
  const outer = call.name.endsWith('_outer')
  let generated: Attribute[]
  if (input.type.kind === 'array') {
    generated = [newAttribute(item.kind === 'alias' ? item.name : 'col', input.type.element, true)]
  } else if (input.type.kind === 'map') {
    generated = [newAttribute('key', input.type.key, outer), newAttribute('value', input.type.value, true)]
  } else {
    throw new SluiceError(
      'DATATYPE_MISMATCH',
      `\`${call.name}\` needs an array or a map, but its argument is ${input.type.kind}.`,
    )
  }
  if (pos) generated = [newAttribute('pos', t.int(), outer), ...generated]
  return { kind: 'generate', generator: pos ? 'posexplode' : 'explode', outer, input, generated }
}
