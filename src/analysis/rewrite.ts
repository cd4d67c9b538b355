/** Structural keys and child rewriting for bound expressions. */
import type { BoundExpr } from '../functions/bound-expr.ts'
import { boundChildren } from '../functions/bound-expr.ts'
import { simpleString } from '../schema/data-type.ts'

/** A string equal for two structurally equal expressions (same function, same inputs). */
export function boundKey(e: BoundExpr): string {
  switch (e.kind) {
    case 'ref':
      return `#${e.ordinal}`
    case 'literal':
      return `lit(${simpleString(e.type)}:${typeof e.value === 'object' && e.value !== null ? JSON.stringify(e.value) : String(e.value)})`
    case 'field':
      return `${boundKey(e.child)}.${e.name}`
    case 'call':
      return `${e.name}:${simpleString(e.type)}(${e.args.map(boundKey).join(',')})`
    case 'udf':
      return `udf:${e.name}(${e.args.map(boundKey).join(',')})`
    case 'case':
      return `case(${boundChildren(e).map(boundKey).join(',')})`
    case 'lambdaVar':
      return `λ${e.name}`
    case 'lambda':
      return `λ(${e.params.map((p) => p.name).join(',')})(${boundKey(e.body)})`
  }
}

/** Rebuilds `e` bottom-up, letting `f` replace any node (return undefined to recurse). */
export function transformBound(e: BoundExpr, f: (e: BoundExpr) => BoundExpr | undefined): BoundExpr {
  const replaced = f(e)
  if (replaced !== undefined) return replaced
  const sub = (x: BoundExpr): BoundExpr => transformBound(x, f)
  switch (e.kind) {
    case 'ref':
    case 'literal':
    case 'lambdaVar':
      return e
    case 'lambda':
      return Object.freeze({ ...e, body: sub(e.body) })
    case 'field':
      return Object.freeze({ ...e, child: sub(e.child) })
    case 'call':
    case 'udf':
      return Object.freeze({ ...e, args: e.args.map(sub) })
    case 'case':
      return Object.freeze({
        ...e,
        branches: e.branches.map((b) => Object.freeze({ when: sub(b.when), then: sub(b.then) })),
        otherwise: e.otherwise && sub(e.otherwise),
      })
  }
}
