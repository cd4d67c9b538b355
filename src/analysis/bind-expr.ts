/**
 * Binds unresolved expressions (plan/expr.ts) against a scope: resolves columns to ordinals,
 * binds calls through the function catalog (type checks and implicit casts), rewrites the special
 * forms (BETWEEN, IF) and hands aggregate calls to the caller, which decides whether they are
 * allowed where they appear.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import type { BoundCall, BoundExpr, BoundLambdaVar } from '../functions/bound-expr.ts'
import { boundLambda, boundLambdaVar, boundLiteral, boundRef } from '../functions/bound-expr.ts'
import { bindCast } from '../functions/cast.ts'
import { lookupFunction } from '../functions/catalog.ts'
import { castTo, coerceAll } from '../functions/coercion.ts'
import type { BindContext, ScalarFunctionDef } from '../functions/function-def.ts'
import { callExpr, caseExpr, type Expr, literalExpr } from '../plan/expr.ts'
import { checkExprDepth } from '../plan/expr-depth.ts'
import { exprToSql } from '../plan/sql/expr-sql.ts'
import { type StructField, t } from '../schema/data-type.ts'
import { ROW_GENERATORS } from './row-generator-analysis.ts'
import { resolveColumn, type Scope } from './scope.ts'

/** Calls the compiler evaluates lazily; their nullability is their own. */
const LAZY = new Set(['and', 'or', 'coalesce'])

export interface BindOptions {
  readonly ctx: BindContext
  /** Called for an aggregate call; returns the expression standing for its result. */
  readonly onAggregate?: (e: Extract<Expr, { kind: 'call' }>) => BoundExpr
  /** What the expression is part of, for "aggregate not allowed in ..." messages. */
  readonly clause: string
  /** Lambda parameters in scope (inside a lambda body), by lower-case name. */
  readonly lambdaVars?: ReadonlyMap<string, BoundLambdaVar>
}

export function bindExpr(e: Expr, scope: Scope, opts: BindOptions): BoundExpr {
  checkExprDepth(e, opts.clause)
  switch (e.kind) {
    case 'column':
      return bindColumn(e.parts, scope, e.planId, opts.lambdaVars)
    case 'lambda':
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `A lambda (\`${exprToSql(e)}\`) can only be an argument of a higher-order function such as transform or filter.`,
      )
    case 'literal':
      return boundLiteral(e.value, e.type)
    case 'alias':
      return bindExpr(e.child, scope, opts)
    case 'sortOrder':
      return bindExpr(e.child, scope, opts)
    case 'star':
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `\`${e.target.length ? `${e.target.join('.')}.` : ''}*\` can only be used as a top-level select item or inside count(*).`,
      )
    case 'cast': {
      const child = bindExpr(e.child, scope, opts)
      return { ...bindCast(child, e.to, e.mode, opts.ctx), sql: exprToSql(e) }
    }
    case 'udf': {
      const args = e.args.map((a) => bindExpr(a, scope, opts))
      return Object.freeze({ kind: 'udf', name: e.name, fn: e.fn, args, type: e.returnType, nullable: true })
    }
    case 'case':
      return bindCase(e, scope, opts)
    case 'call':
      return bindCall(e, scope, opts)
  }
}

function bindColumn(
  parts: readonly string[],
  scope: Scope,
  planId: number | undefined,
  lambdaVars: ReadonlyMap<string, BoundLambdaVar> | undefined,
): BoundExpr {
  // Lambda parameters shadow columns of the same name, as in Spark.
  const lambdaVar = planId === undefined ? lambdaVars?.get(parts[0].toLowerCase()) : undefined
  if (lambdaVar !== undefined) return fieldsOf(lambdaVar, parts, parts.slice(1), scope)
  const r = resolveColumn(scope, parts, planId)
  return fieldsOf(boundRef(r.ordinal, r.attr.name, r.attr.type, r.attr.nullable), parts, r.fields, scope)
}

function fieldsOf(
  start: BoundExpr,
  parts: readonly string[],
  fields: readonly string[],
  scope: Scope,
): BoundExpr {
  let e = start
  for (const name of fields) {
    if (e.type.kind !== 'struct') {
      throw new SluiceError(
        'COLUMN_NOT_FOUND',
        `Cannot resolve \`${parts.join('.')}\`: \`${e.kind === 'ref' || e.kind === 'field' ? e.name : name}\` is a ${e.type.kind}, not a struct, in ${scope.where}.`,
      )
    }
    const f: StructField | undefined =
      e.type.fields.find((x) => x.name === name) ??
      e.type.fields.find((x) => x.name.toLowerCase() === name.toLowerCase())
    if (f === undefined) {
      throw new SluiceError(
        'COLUMN_NOT_FOUND',
        `No field \`${name}\` in struct column \`${parts.slice(0, parts.indexOf(name)).join('.')}\` (fields: ${e.type.fields.map((x) => x.name).join(', ')}) in ${scope.where}.`,
      )
    }
    e = Object.freeze({
      kind: 'field',
      child: e,
      name: f.name,
      type: f.type,
      nullable: e.nullable || f.nullable,
    })
  }
  return e
}

function bindCase(e: Extract<Expr, { kind: 'case' }>, scope: Scope, opts: BindOptions): BoundExpr {
  const conds = e.branches.map((b) => {
    const c = bindExpr(b.when, scope, opts)
    if (c.type.kind !== 'boolean' && c.type.kind !== 'null')
      throw typeMismatch(
        `CASE WHEN conditions must be boolean, but \`${exprToSql(b.when)}\` is ${c.type.kind}.`,
      )
    return castTo(c, t.boolean())
  })
  const values = [...e.branches.map((b) => b.then), ...(e.otherwise ? [e.otherwise] : [])].map((v) =>
    bindExpr(v, scope, opts),
  )
  const { type, args } = coerceAll(values, 'CASE WHEN branches')
  const branches = conds.map((when, i) => Object.freeze({ when, then: args[i] }))
  const otherwise = e.otherwise ? args[args.length - 1] : null
  const nullable = args.some((a) => a.nullable) || otherwise === null
  return Object.freeze({ kind: 'case', branches, otherwise, type, nullable })
}

function bindCall(e: Extract<Expr, { kind: 'call' }>, scope: Scope, opts: BindOptions): BoundExpr {
  if (e.name === 'between') {
    const [x, lo, hi] = e.args
    return bindExpr(callExpr('and', [callExpr('>=', [x, lo]), callExpr('<=', [x, hi])]), scope, opts)
  }
  if (e.name === 'if' || e.name === 'iff') {
    return bindExpr(caseExpr([{ when: e.args[0], then: e.args[1] }], e.args[2] ?? null), scope, opts)
  }
  // decode(x, search, result, ..., [default]) is Spark's CASE WHEN x <=> search THEN result ... END
  // (ELSE a NULL string), so untaken results are never evaluated; decode(bin, charset) is a function.
  if (e.name === 'decode' && e.args.length > 2) {
    const [x, ...rest] = e.args
    const branches = rest
      .slice(0, rest.length - (rest.length % 2))
      .flatMap((s, i, all) => (i % 2 === 0 ? [{ when: callExpr('<=>', [x, s]), then: all[i + 1] }] : []))
    const otherwise = rest.length % 2 === 1 ? rest[rest.length - 1] : literalExpr(null, t.string())
    return bindExpr(caseExpr(branches, otherwise), scope, opts)
  }
  // Spark's CreateStruct names a field by its alias: struct(a, b.alias('c')) is named_struct('a', a, 'c', b).
  if (e.name === 'struct' && e.args.some((a) => a.kind === 'alias')) {
    const pairs = e.args.flatMap((a, i) =>
      a.kind === 'alias'
        ? [literalExpr(a.name, t.string()), a.child]
        : [literalExpr(structFieldName(a, i), t.string()), a],
    )
    return bindExpr(callExpr('named_struct', pairs), scope, opts)
  }
  if (e.name.startsWith('explode') || e.name.startsWith('posexplode') || ROW_GENERATORS.has(e.name)) {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `\`${e.name}\` can only be a top-level item of select(), not part of \`${exprToSql(e)}\` in ${opts.clause}.`,
    )
  }
  const def = lookupFunction(e.name)
  if (e.args.length < def.minArgs || e.args.length > def.maxArgs) {
    const range =
      def.minArgs === def.maxArgs
        ? `${def.minArgs}`
        : def.maxArgs === Number.POSITIVE_INFINITY
          ? `at least ${def.minArgs}`
          : `${def.minArgs} to ${def.maxArgs}`
    throw new SluiceError(
      'WRONG_NUM_ARGS',
      `\`${e.name}\` takes ${range} arguments, but ${e.args.length} were given in \`${exprToSql(e)}\`.`,
    )
  }
  if (def.kind === 'aggregate') {
    if (opts.onAggregate === undefined) {
      throw new SluiceError(
        'AGGREGATE_IN_WHERE',
        `Aggregate \`${exprToSql(e)}\` is not allowed in ${opts.clause}. Aggregate with groupBy().agg() first, then filter its output.`,
      )
    }
    return opts.onAggregate(e)
  }
  const args = bindArgs(e, def, scope, opts)
  const r = def.bind(args, opts.ctx)
  const finalArgs = r.args ?? args
  const call: BoundCall = {
    kind: 'call',
    // nvl and ifnull are coalesce: the compiler evaluates that one name lazily.
    name: e.name === 'nvl' || e.name === 'ifnull' ? 'coalesce' : e.name,
    impl: r.impl,
    args: finalArgs,
    type: r.type,
    nullable: r.nullable ?? finalArgs.some((a) => a.nullable),
    strict:
      r.nullable === undefined && (r.impl.kind === 'op' || r.impl.nullSafe !== true) && !LAZY.has(e.name),
    sql: exprToSql(e),
    deterministic: r.deterministic ?? true,
    ...(r.constants === undefined ? {} : { constants: Object.freeze([...r.constants]) }),
  }
  return Object.freeze(call)
}

/** The call's arguments bound; lambdas last, once the other arguments give their parameter types. */
function bindArgs(
  e: Extract<Expr, { kind: 'call' }>,
  def: ScalarFunctionDef,
  scope: Scope,
  opts: BindOptions,
): BoundExpr[] {
  const bound = e.args.map((a) => (a.kind === 'lambda' ? null : bindExpr(a, scope, opts)))
  e.args.forEach((a, i) => {
    if (a.kind !== 'lambda') return
    if (def.lambdaParams === undefined) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `\`${e.name}\` does not take a lambda, but argument ${i + 1} of \`${exprToSql(e)}\` is one.`,
      )
    }
    const types = def.lambdaParams(bound, i, a.params.length)
    const params = a.params.map((p, j) => boundLambdaVar(p, types[j].type, types[j].nullable))
    const lambdaVars = new Map(opts.lambdaVars)
    for (const p of params) lambdaVars.set(p.name.toLowerCase(), p)
    bound[i] = boundLambda(params, bindExpr(a.body, scope, { ...opts, lambdaVars }))
  })
  return bound as BoundExpr[]
}

/** A struct field's name when struct() has no alias for it: the column's name, else `col<n>` (Spark's). */
function structFieldName(e: Expr, i: number): string {
  return e.kind === 'column' ? e.parts[e.parts.length - 1] : `col${i + 1}`
}
