/**
 * Bound (resolved) expressions: what analysis produces from `plan/expr.ts` trees. Every node knows
 * its type and nullability, column references are ordinals into the input row, and every call
 * carries the implementation the compiler will emit. Nodes are frozen data.
 */
import type { DataType } from '../schema/data-type.ts'

/**
 * How a call is evaluated. The compiler inlines `op` and `template`; `fn` is called.
 * Unless `nullSafe` is set, any null argument makes the result null without evaluating it.
 */
export type Impl =
  | { readonly kind: 'op'; readonly op: string }
  | {
      readonly kind: 'template'
      readonly code: (args: readonly string[]) => string
      readonly nullSafe?: boolean
    }
  | {
      readonly kind: 'fn'
      readonly fn: (...args: any[]) => unknown
      /** Receives nulls itself (e.g. concat_ws, <=>). */
      readonly nullSafe?: boolean
      /** Receives the expression's SQL text as a last argument, to name it in errors. */
      readonly withSite?: boolean
    }

export interface BoundRef {
  readonly kind: 'ref'
  readonly ordinal: number
  readonly name: string
  readonly type: DataType
  readonly nullable: boolean
}
export interface BoundLiteral {
  readonly kind: 'literal'
  readonly value: unknown
  readonly type: DataType
  readonly nullable: boolean
}
export interface BoundCall {
  readonly kind: 'call'
  /** Canonical name; 'and', 'or' and 'coalesce' are evaluated lazily by the compiler. */
  readonly name: string
  readonly impl: Impl
  readonly args: readonly BoundExpr[]
  readonly type: DataType
  readonly nullable: boolean
  /** SQL text of the expression, for error messages. */
  readonly sql: string
  readonly deterministic: boolean
  /**
   * Null exactly when an argument is null (null-intolerant and never null otherwise), so the
   * planner may recompute `nullable` when it learns an argument cannot be null.
   */
  readonly strict?: boolean
  /**
   * Constant operands the implementation holds instead of taking them as args: the list of an IN
   * over literals (Spark's InSet), which a scan may judge blocks by.
   */
  readonly constants?: readonly unknown[]
}
export interface BoundCase {
  readonly kind: 'case'
  readonly branches: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[]
  readonly otherwise: BoundExpr | null
  readonly type: DataType
  readonly nullable: boolean
}
export interface BoundField {
  readonly kind: 'field'
  readonly child: BoundExpr
  readonly name: string
  readonly type: DataType
  readonly nullable: boolean
}
export interface BoundUdf {
  readonly kind: 'udf'
  readonly name: string
  readonly fn: (...args: any[]) => unknown
  readonly args: readonly BoundExpr[]
  readonly type: DataType
  readonly nullable: boolean
}
/** A lambda parameter inside a lambda body; `name` is unique among the lambdas enclosing it. */
export interface BoundLambdaVar {
  readonly kind: 'lambdaVar'
  readonly name: string
  readonly type: DataType
  readonly nullable: boolean
}
/**
 * A lambda argument of a higher-order function. The compiler emits it as a JS closure taking the
 * parameters positionally; `type` is the body's type. The closure itself is never null.
 */
export interface BoundLambda {
  readonly kind: 'lambda'
  readonly params: readonly BoundLambdaVar[]
  readonly body: BoundExpr
  readonly type: DataType
  readonly nullable: false
}
export type BoundExpr =
  | BoundRef
  | BoundLiteral
  | BoundCall
  | BoundCase
  | BoundField
  | BoundUdf
  | BoundLambda
  | BoundLambdaVar

export const boundRef = (ordinal: number, name: string, type: DataType, nullable: boolean): BoundRef =>
  Object.freeze({ kind: 'ref', ordinal, name, type, nullable })
export const boundLiteral = (value: unknown, type: DataType): BoundLiteral =>
  Object.freeze({ kind: 'literal', value, type, nullable: value === null })

export const boundLambdaVar = (name: string, type: DataType, nullable: boolean): BoundLambdaVar =>
  Object.freeze({ kind: 'lambdaVar', name, type, nullable })
export const boundLambda = (params: readonly BoundLambdaVar[], body: BoundExpr): BoundLambda =>
  Object.freeze({
    kind: 'lambda',
    params: Object.freeze([...params]),
    body,
    type: body.type,
    nullable: false,
  })

/** Children of a bound node, in evaluation order. */
export function boundChildren(e: BoundExpr): readonly BoundExpr[] {
  switch (e.kind) {
    case 'ref':
    case 'literal':
    case 'lambdaVar':
      return []
    case 'lambda':
      return [e.body]
    case 'call':
    case 'udf':
      return e.args
    case 'field':
      return [e.child]
    case 'case':
      return [...e.branches.flatMap((b) => [b.when, b.then]), ...(e.otherwise ? [e.otherwise] : [])]
  }
}
