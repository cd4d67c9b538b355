/**
 * The function catalog's contracts. A scalar function binds its already-bound arguments: it checks
 * their types (raising DATATYPE_MISMATCH naming the function and argument), may ask for implicit
 * casts, and returns the result type and the implementation to run. An aggregate function returns
 * code templates the aggregation compiler splices into its loop.
 */
import type { DataType } from '../schema/data-type.ts'
import type { BoundExpr, Impl } from './bound-expr.ts'

/** Per-query context available while binding (session settings) and at run time. */
export interface BindContext {
  /** The session time zone (IANA id), `sluice.sql.session.timeZone`. */
  readonly timeZone: string
  /** Values fixed for the duration of one query / batch, read by functions at run time. */
  readonly runtime: RuntimeContext
}

/** Mutable per-execution values (set by the executor before each run). */
export interface RuntimeContext {
  /** `current_timestamp()`: fixed for a whole query (batch) run, epoch ms. */
  currentTimestamp: number
  /** Changes at every execution (batch or action): seeded `rand()` starts its sequence again. */
  runId?: number
}

export interface BoundScalar {
  readonly type: DataType
  /** Defaults to "any argument nullable" for null-intolerant implementations. */
  readonly nullable?: boolean
  readonly impl: Impl
  /** Replacement arguments (e.g. with implicit casts applied). */
  readonly args?: readonly BoundExpr[]
  readonly deterministic?: boolean
  /** Constant operands the implementation holds instead of taking them as args (an IN list of literals). */
  readonly constants?: readonly unknown[]
}

export interface ScalarFunctionDef {
  readonly kind: 'scalar'
  readonly name: string
  readonly minArgs: number
  readonly maxArgs: number
  bind(args: readonly BoundExpr[], ctx: BindContext): BoundScalar
  /**
   * Higher-order functions only: the types of the `count` parameters of the lambda at argument
   * `index`, given the other arguments already bound (lambda arguments are null here). Throws when
   * the lambda may not take `count` parameters.
   */
  readonly lambdaParams?: (
    args: readonly (BoundExpr | null)[],
    index: number,
    count: number,
  ) => readonly LambdaParam[]
}

/** The type of one lambda parameter. */
export interface LambdaParam {
  readonly type: DataType
  readonly nullable: boolean
}

/**
 * Code templates of an aggregate, spliced into generated aggregation loops. State is a fixed number
 * of slots per group; `update` gets the slot expressions (assignable) and the argument values.
 */
/**
 * How a slot is kept in a streaming aggregate's state between batches: `value` (an immutable
 * value, stored as it is), `set`, `map` or `list` (stored as they are and copied on restore, so a
 * stored value is never changed after `put`), `hll` (a HyperLogLog++ sketch, stored as registers).
 */
export type SlotCodec = 'value' | 'set' | 'map' | 'list' | 'hll'

export interface AggregateImpl {
  /** Initial JS expression of each slot. */
  readonly init: readonly string[]
  /** How each slot is kept in state (default: `value` for every slot). */
  readonly slotCodecs?: readonly SlotCodec[]
  /** Statements updating slots with one input row's argument values (non-null unless acceptsNull). */
  readonly update: (slots: readonly string[], args: readonly string[]) => string
  /** Statements merging slots `b` into slots `a` (for partial aggregation). */
  readonly merge: (a: readonly string[], b: readonly string[]) => string
  /** Expression of the final value. */
  readonly finish: (slots: readonly string[]) => string
  /** Update sees rows whose arguments are null (count(*), first/last with ignoreNulls=false). */
  readonly acceptsNull?: boolean
  /** Runtime values the templates refer to by name (helper functions, classes). */
  readonly helpers?: Readonly<Record<string, unknown>>
}

export interface BoundAggregate {
  readonly type: DataType
  readonly nullable: boolean
  readonly impl: AggregateImpl
  readonly args?: readonly BoundExpr[]
}

export interface AggregateFunctionDef {
  readonly kind: 'aggregate'
  readonly name: string
  readonly minArgs: number
  readonly maxArgs: number
  bind(args: readonly BoundExpr[], ctx: BindContext & { readonly distinct: boolean }): BoundAggregate
}

export type FunctionDef = ScalarFunctionDef | AggregateFunctionDef
