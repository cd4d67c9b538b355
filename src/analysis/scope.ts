/**
 * Name resolution against a node's input attributes, as Spark does it: case-insensitive, a leading
 * part may be a qualifier (a DataFrame alias), the remaining parts are struct fields.
 */
import { ambiguousColumn, columnNotFound, SluiceError } from '../errors.ts'
import type { Attribute } from './analyzed-plan.ts'

export interface Scope {
  readonly attrs: readonly Attribute[]
  /** Where the lookup happens, for messages: "the Filter over [a, b]". */
  readonly where: string
  /** Output attributes of every analyzed plan node by plan id (for df.col()). */
  readonly byPlanId: ReadonlyMap<number, readonly Attribute[]>
}

export interface Resolved {
  readonly ordinal: number
  readonly attr: Attribute
  /** Struct fields still to extract, in order. */
  readonly fields: readonly string[]
}

const eq = (a: string, b: string): boolean => a === b || a.toLowerCase() === b.toLowerCase()

export function resolveColumn(scope: Scope, parts: readonly string[], planId?: number): Resolved {
  const shown = parts.join('.')
  if (planId !== undefined) return resolveByPlan(scope, parts, planId)
  const candidates: Resolved[] = []
  if (parts.length >= 2) {
    scope.attrs.forEach((attr, ordinal) => {
      if (attr.qualifier !== null && eq(attr.qualifier, parts[0]) && eq(attr.name, parts[1])) {
        candidates.push({ ordinal, attr, fields: parts.slice(2) })
      }
    })
  }
  if (candidates.length === 0) {
    scope.attrs.forEach((attr, ordinal) => {
      if (eq(attr.name, parts[0])) candidates.push({ ordinal, attr, fields: parts.slice(1) })
    })
  }
  // Case-insensitive matching first; an exact-case match breaks a tie.
  const exact = candidates.filter((c) => c.attr.name === parts[parts.length - 1 - c.fields.length])
  const pool = candidates.length > 1 && exact.length === 1 ? exact : candidates
  if (pool.length === 1) return pool[0]
  if (pool.length > 1) {
    // The same attribute reachable twice (e.g. through a using-join) is not ambiguous.
    if (pool.every((c) => c.attr.id === pool[0].attr.id)) return pool[0]
    throw ambiguousColumn(
      shown,
      scope.where,
      pool.map((c) => c.attr.qualifier ?? '(unaliased)'),
    )
  }
  throw columnNotFound(shown, scope.attrs.map(attrName), scope.where)
}

function resolveByPlan(scope: Scope, parts: readonly string[], planId: number): Resolved {
  const source = scope.byPlanId.get(planId)
  const attr = source?.find((a) => eq(a.name, parts[0]))
  if (attr === undefined) {
    throw columnNotFound(
      parts.join('.'),
      (source ?? []).map(attrName),
      `the DataFrame that df.col() was called on`,
    )
  }
  const ordinal = scope.attrs.findIndex((a) => a.id === attr.id)
  if (ordinal < 0) {
    throw new SluiceError(
      'COLUMN_NOT_FOUND',
      `Column \`${parts.join('.')}\` comes from a DataFrame that is not an input of ${scope.where}. ` +
        'Use a column of this DataFrame (or of one of the two sides of the join).',
    )
  }
  return { ordinal, attr: scope.attrs[ordinal], fields: parts.slice(1) }
}

export const attrName = (a: Attribute): string => (a.qualifier ? `${a.qualifier}.${a.name}` : a.name)

export function describeScope(node: string, attrs: readonly Attribute[]): string {
  return `the ${node} over [${attrs.map(attrName).join(', ')}]`
}
