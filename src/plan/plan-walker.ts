/**
 * One walker for plan trees (logical and analyzed): a table keyed by node kind gives each kind's
 * shape (a leaf, one `child`, or `left` and `right`), so a new kind missing from a table, or given
 * a shape its node type does not have, is a compile error rather than a silent `default -> child`.
 */

/** A plan node: a tagged union member, possibly with `child` or `left`/`right`. */
interface Node {
  readonly kind: string
}

/** The shape node type `N` has. */
type ShapeOf<N, P> = N extends { readonly left: P; readonly right: P }
  ? 'binary'
  : N extends { readonly child: P }
    ? 'unary'
    : 'leaf'

/** A table of every kind of plan `P` to its shape (checked against the node types). */
export type ShapeTable<P extends Node> = { readonly [K in P['kind']]: ShapeOf<Extract<P, { kind: K }>, P> }

type Shaped<P> = P & { readonly child?: P; readonly left?: P; readonly right?: P }

/** The tree operations over one kind of plan. */
export interface PlanWalker<P extends Node> {
  /** The children of `p`, left to right. @example walker.children(union) // [left, right] */
  children(p: P): readonly P[]
  /**
   * Visits `p` and its descendants depth first, left before right; `visit` returning false skips
   * the node's children.
   *
   * @example walker.walk(plan, (p) => { if (p.kind === 'watermark') found.push(p) })
   */
  walk(p: P, visit: (p: P) => unknown): void
  /** `p` with each child replaced by `f(child)` (a frozen copy; a leaf is returned as it is). */
  mapChildren(p: P, f: (child: P) => P): P
}

/**
 * The walker of the plans whose kinds `shapes` lists.
 *
 * @example const logical = planWalker<LogicalPlan>({ project: 'unary', union: 'binary', ... })
 */
export function planWalker<P extends Node>(shapes: ShapeTable<P>): PlanWalker<P> {
  const shapeOf = (p: P): string => (shapes as Record<string, string>)[p.kind]
  const children = (p: P): readonly P[] => {
    const n = p as Shaped<P>
    const shape = shapeOf(p)
    if (shape === 'unary') return [n.child as P]
    if (shape === 'binary') return [n.left as P, n.right as P]
    return []
  }
  const walk = (p: P, visit: (p: P) => unknown): void => {
    if (visit(p) === false) return
    for (const c of children(p)) walk(c, visit)
  }
  const mapChildren = (p: P, f: (child: P) => P): P => {
    const n = p as Shaped<P>
    const shape = shapeOf(p)
    if (shape === 'unary') return Object.freeze({ ...p, child: f(n.child as P) })
    if (shape === 'binary') return Object.freeze({ ...p, left: f(n.left as P), right: f(n.right as P) })
    return p
  }
  return { children, walk, mapChildren }
}
