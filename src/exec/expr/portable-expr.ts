/**
 * Bound expressions as plain data, for a worker thread to bind and compile again: a call keeps its
 * name, arguments, type and SQL text, and the worker asks the function catalog for the same
 * implementation (a bound call holds closures, which do not cross threads). Only what gives the
 * same result on any thread is portable: column references, primitive literals, CASE, struct
 * fields and deterministic catalog calls; a UDF, a lambda, a non-deterministic call (rand, uuid,
 * current_timestamp) or a literal holding an object makes the whole expression not portable, and
 * the caller keeps it on the main thread. The worker checks that every call binds again to the
 * type it had, and refuses the expression otherwise.
 */
import type { BoundCall, BoundExpr } from '../../functions/bound-expr.ts'
import { bindCast } from '../../functions/cast.ts'
import { lookupFunction } from '../../functions/catalog.ts'
import { withBindContext } from '../../functions/coercion.ts'
import type { BindContext } from '../../functions/function-def.ts'
import { type DataType, sameType } from '../../schema/data-type.ts'

/** A bound expression as plain data (structured-cloneable, JSON-able but for bigint literals). */
export type PortableExpr =
  | {
      readonly kind: 'ref'
      readonly ordinal: number
      readonly name: string
      readonly type: DataType
      readonly nullable: boolean
    }
  | { readonly kind: 'literal'; readonly value: unknown; readonly type: DataType; readonly nullable: boolean }
  | {
      readonly kind: 'call'
      readonly name: string
      readonly args: readonly PortableExpr[]
      readonly type: DataType
      readonly nullable: boolean
      readonly sql: string
      /** Casts only: ANSI (errors) or TRY (null). */
      readonly cast?: 'ansi' | 'try'
      /** The operands the implementation holds (an IN list of literals): bound again as literal arguments. */
      readonly constants?: readonly unknown[]
    }
  | {
      readonly kind: 'case'
      readonly branches: readonly { readonly when: PortableExpr; readonly then: PortableExpr }[]
      readonly otherwise: PortableExpr | null
      readonly type: DataType
      readonly nullable: boolean
    }
  | {
      readonly kind: 'field'
      readonly child: PortableExpr
      readonly name: string
      readonly type: DataType
      readonly nullable: boolean
    }

const PRIMITIVE = new Set(['number', 'string', 'boolean', 'bigint'])

/**
 * `e` as plain data, or null when it cannot run the same on another thread.
 *
 * @example portableOf(bound(col('auction').mod(123).eq(0))) // { kind: 'call', name: '=', ... }
 */
export function portableOf(e: BoundExpr): PortableExpr | null {
  switch (e.kind) {
    case 'ref':
      return { kind: 'ref', ordinal: e.ordinal, name: e.name, type: e.type, nullable: e.nullable }
    case 'literal':
      if (e.value !== null && !PRIMITIVE.has(typeof e.value)) return null
      return { kind: 'literal', value: e.value, type: e.type, nullable: e.nullable }
    case 'call':
      return portableCall(e)
    case 'case': {
      const branches = e.branches.map((b) => ({ when: portableOf(b.when), then: portableOf(b.then) }))
      const otherwise = e.otherwise === null ? null : portableOf(e.otherwise)
      if (branches.some((b) => b.when === null || b.then === null)) return null
      if (e.otherwise !== null && otherwise === null) return null
      return { kind: 'case', branches: branches as never, otherwise, type: e.type, nullable: e.nullable }
    }
    case 'field': {
      const child = portableOf(e.child)
      return child === null
        ? null
        : { kind: 'field', child, name: e.name, type: e.type, nullable: e.nullable }
    }
    default:
      return null
  }
}

function portableCall(e: BoundCall): PortableExpr | null {
  if (!e.deterministic) return null
  const args = e.args.map(portableOf)
  if (args.some((a) => a === null)) return null
  const base = {
    kind: 'call' as const,
    name: e.name,
    args: args as PortableExpr[],
    type: e.type,
    nullable: e.nullable,
    sql: e.sql,
  }
  if (e.constants !== undefined) {
    if (e.args.length !== 1 || e.constants.some((v) => v !== null && !PRIMITIVE.has(typeof v))) return null
    return { ...base, constants: [...e.constants] }
  }
  if (e.name !== 'cast') return base
  // A cast that errors names its site; TRY_CAST does not (functions/cast.ts).
  const ansi = e.impl.kind !== 'fn' || e.impl.withSite === true
  return { ...base, cast: ansi ? 'ansi' : 'try' }
}

/**
 * The bound expression `p` describes, bound again through the function catalog in the session
 * zone (keeping the nullability first bound); null when a call does not bind again to the same type (then the caller
 * must not use it).
 *
 * @example const filter = rebind(portable, 'UTC'); if (filter !== null) compileExpr(filter)
 */
export function rebind(p: PortableExpr, timeZone: string): BoundExpr | null {
  const ctx = { timeZone, runtime: { currentTimestamp: 0 } }
  try {
    return withBindContext(ctx, () => bindAgain(p, ctx))
  } catch {
    return null
  }
}

class NotPortable extends Error {}

function bindAgain(p: PortableExpr, ctx: BindContext): BoundExpr {
  switch (p.kind) {
    case 'ref':
    case 'literal':
      return Object.freeze({ ...p })
    case 'field':
      return Object.freeze({ ...p, child: bindAgain(p.child, ctx) })
    case 'case':
      return Object.freeze({
        ...p,
        branches: p.branches.map((b) =>
          Object.freeze({ when: bindAgain(b.when, ctx), then: bindAgain(b.then, ctx) }),
        ),
        otherwise: p.otherwise === null ? null : bindAgain(p.otherwise, ctx),
      })
    case 'call': {
      const args = p.args.map((a) => bindAgain(a, ctx))
      const call = p.name === 'cast' ? castAgain(args[0], p, ctx) : callAgain(p, args, ctx)
      if (!sameType(call.type, p.type)) throw new NotPortable(p.sql)
      return call
    }
  }
}

function castAgain(arg: BoundExpr, p: Extract<PortableExpr, { kind: 'call' }>, ctx: BindContext): BoundCall {
  return Object.freeze({ ...bindCast(arg, p.type, p.cast ?? 'ansi', ctx), nullable: p.nullable, sql: p.sql })
}

function callAgain(
  p: Extract<PortableExpr, { kind: 'call' }>,
  args: readonly BoundExpr[],
  ctx: BindContext,
): BoundCall {
  const def = lookupFunction(p.name)
  if (def.kind !== 'scalar') throw new NotPortable(p.sql)
  // An IN list held as constants is bound again from literals of the (already coerced) operand type.
  const held = (p.constants ?? []).map((value) =>
    Object.freeze({ kind: 'literal' as const, value, type: args[0].type, nullable: value === null }),
  )
  const r = def.bind([...args, ...held], ctx)
  const finalArgs = r.args ?? args
  // The arguments were coerced when first bound: binding them again must not change them.
  if (
    finalArgs.length !== args.length ||
    finalArgs.some((a, i) => a !== args[i] && !sameType(a.type, args[i].type))
  )
    throw new NotPortable(p.sql)
  if (!sameConstants(r.constants, p.constants) || r.deterministic === false) throw new NotPortable(p.sql)
  return Object.freeze<BoundCall>({
    kind: 'call',
    name: p.name,
    impl: r.impl,
    args: finalArgs,
    type: r.type,
    nullable: p.nullable,
    strict:
      r.nullable === undefined && (r.impl.kind === 'op' || r.impl.nullSafe !== true) && !LAZY.has(p.name),
    sql: p.sql,
    deterministic: true,
    ...(r.constants === undefined ? {} : { constants: Object.freeze([...r.constants]) }),
  })
}

function sameConstants(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]))
}

// Evaluated lazily by the compiler (analysis/bind-expr.ts): never strict.
const LAZY = new Set(['and', 'or', 'coalesce'])
