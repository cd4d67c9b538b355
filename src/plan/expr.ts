/**
 * Unresolved expression trees: what the API and the SQL parser build. Nodes are frozen data and
 * form a closed union on `kind`; analysis turns them into bound expressions (functions/bound-expr.ts)
 * with a type on every node.
 *
 * Operators are calls by canonical function name, so one catalog (functions/catalog.ts) holds every
 * type rule: `a + b` is call('+', a, b), `a AND b` is call('and', ...), `x IN (1, 2)` is
 * call('in', x, 1, 2), `count(DISTINCT x)` is call('count', x) with distinct = true.
 */
import type { DataType } from '../schema/data-type.ts'

export interface ColumnExpr {
  readonly kind: 'column'
  /** `a.b.c` split on unquoted dots; the first parts may be a qualifier (a DataFrame alias). */
  readonly parts: readonly string[]
  /** Set by `df.col(name)`: the id of the DataFrame whose output the column must come from. */
  readonly planId?: number
}
export interface StarExpr {
  readonly kind: 'star'
  /** Empty for `*`; `['s']` for `s.*` (a struct column's fields or an alias's columns). */
  readonly target: readonly string[]
}
export interface LiteralExpr {
  readonly kind: 'literal'
  readonly value: unknown
  readonly type: DataType
}
export interface AliasExpr {
  readonly kind: 'alias'
  readonly child: Expr
  readonly name: string
}
export interface CallExpr {
  readonly kind: 'call'
  /** Canonical lower-case function name (operators use their symbol: '+', '=', '<=>', 'and'). */
  readonly name: string
  readonly args: readonly Expr[]
  /** `count(DISTINCT x)`. */
  readonly distinct: boolean
}
export interface CaseExpr {
  readonly kind: 'case'
  readonly branches: readonly { readonly when: Expr; readonly then: Expr }[]
  readonly otherwise: Expr | null
}
export interface CastExpr {
  readonly kind: 'cast'
  readonly child: Expr
  readonly to: DataType
  /** 'ansi' raises on invalid input (Spark 4's default); 'try' gives null (`try_cast`). */
  readonly mode: 'ansi' | 'try'
}
export interface UdfExpr {
  readonly kind: 'udf'
  readonly name: string
  readonly fn: (...args: any[]) => unknown
  readonly returnType: DataType
  readonly args: readonly Expr[]
}
export interface SortOrderExpr {
  readonly kind: 'sortOrder'
  readonly child: Expr
  readonly ascending: boolean
  /** Spark's default: nulls first when ascending, last when descending. */
  readonly nullsFirst: boolean
}

/**
 * `(x, y) -> body`: an argument of a higher-order function (`transform`, `filter`, `aggregate`, ...).
 * In the body a one-part column reference named like a parameter is that parameter (it shadows a
 * column of the same name, as in Spark).
 */
export interface LambdaExpr {
  readonly kind: 'lambda'
  readonly params: readonly string[]
  readonly body: Expr
}

export type Expr =
  | LambdaExpr
  | ColumnExpr
  | StarExpr
  | LiteralExpr
  | AliasExpr
  | CallExpr
  | CaseExpr
  | CastExpr
  | UdfExpr
  | SortOrderExpr

export type ExprKind = Expr['kind']

// ---- factories (the only way nodes are made) ---------------------------------------------------

const f = Object.freeze

/** Splits `a.b` into parts; backticks quote a part that contains dots: `` `a.b`.c ``. */
export function splitName(name: string): string[] {
  const parts: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]
    if (ch === '`') {
      if (quoted && name[i + 1] === '`') {
        cur += '`'
        i++
      } else quoted = !quoted
    } else if (ch === '.' && !quoted) {
      parts.push(cur)
      cur = ''
    } else cur += ch
  }
  parts.push(cur)
  return parts
}

export const columnExpr = (parts: readonly string[], planId?: number): ColumnExpr =>
  f(
    planId === undefined
      ? { kind: 'column', parts: f([...parts]) }
      : { kind: 'column', parts: f([...parts]), planId },
  )
export const starExpr = (target: readonly string[] = []): StarExpr =>
  f({ kind: 'star', target: f([...target]) })
export const literalExpr = (value: unknown, type: DataType): LiteralExpr =>
  f({ kind: 'literal', value, type })
export const aliasExpr = (child: Expr, name: string): AliasExpr => f({ kind: 'alias', child, name })
export const callExpr = (name: string, args: readonly Expr[], distinct = false): CallExpr =>
  f({ kind: 'call', name: name.toLowerCase(), args: f([...args]), distinct })
export const caseExpr = (branches: readonly { when: Expr; then: Expr }[], otherwise: Expr | null): CaseExpr =>
  f({ kind: 'case', branches: f(branches.map((b) => f({ ...b }))), otherwise })
export const castExpr = (child: Expr, to: DataType, mode: 'ansi' | 'try' = 'ansi'): CastExpr =>
  f({ kind: 'cast', child, to, mode })
export const udfExpr = (
  name: string,
  fn: (...args: any[]) => unknown,
  returnType: DataType,
  args: readonly Expr[],
): UdfExpr => f({ kind: 'udf', name, fn, returnType, args: f([...args]) })
export const sortOrderExpr = (child: Expr, ascending: boolean, nullsFirst = ascending): SortOrderExpr =>
  f({ kind: 'sortOrder', child, ascending, nullsFirst })

export const lambdaExpr = (params: readonly string[], body: Expr): LambdaExpr =>
  f({ kind: 'lambda', params: f([...params]), body })

/** The direct children of a node. */
export function childrenOf(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'column':
    case 'star':
    case 'literal':
      return []
    case 'alias':
    case 'cast':
    case 'sortOrder':
      return [e.child]
    case 'lambda':
      return [e.body]
    case 'call':
    case 'udf':
      return e.args
    case 'case':
      return [...e.branches.flatMap((b) => [b.when, b.then]), ...(e.otherwise ? [e.otherwise] : [])]
  }
}

/**
 * `e` with each direct child replaced by `f(child)` (a rewrite's step; `childrenOf` reads the same
 * children).
 *
 * @example
 * mapChildren(callExpr('upper', [columnExpr(['a'])]), (c) => columnExpr(['b'])) // upper(b)
 */
export function mapChildren(e: Expr, f: (e: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'column':
    case 'star':
    case 'literal':
      return e
    case 'alias':
    case 'cast':
    case 'sortOrder':
      return Object.freeze({ ...e, child: f(e.child) })
    case 'lambda':
      return lambdaExpr(e.params, f(e.body))
    case 'call':
      return callExpr(e.name, e.args.map(f), e.distinct)
    case 'udf':
      return Object.freeze({ ...e, args: Object.freeze(e.args.map(f)) })
    case 'case':
      return Object.freeze({
        ...e,
        branches: Object.freeze(e.branches.map((b) => Object.freeze({ when: f(b.when), then: f(b.then) }))),
        otherwise: e.otherwise === null ? null : f(e.otherwise),
      })
  }
}
