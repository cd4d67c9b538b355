/**
 * How deep an expression tree is, measured without recursion, and the limit Sluice compiles:
 * the parser, the analyzer and the code generator walk trees recursively, so a deeper tree would
 * overflow the stack (a RangeError) instead of failing with a message.
 */
import { SluiceError } from '../errors.ts'
import { childrenOf, type Expr } from './expr.ts'

/** The deepest expression tree Sluice analyzes (a 1,000-term sum with an alias is 1,001 deep). */
export const MAX_EXPRESSION_DEPTH = 1200

// Memoized per (frozen) node, so checking every node of a tree on the way down costs O(1) each.
const DEPTH = new WeakMap<Expr, number>()

/**
 * The number of nodes on the longest path from `e` to a leaf, computed with an explicit stack.
 *
 * @example exprDepth(callExpr('+', [columnExpr(['a']), literalExpr(1, t.int())])) // 2
 */
export function exprDepth(e: Expr): number {
  const known = DEPTH.get(e)
  if (known !== undefined) return known
  const stack: Expr[] = [e]
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    if (DEPTH.has(top)) {
      stack.pop()
      continue
    }
    const pending = childrenOf(top).filter((c) => !DEPTH.has(c))
    if (pending.length > 0) {
      stack.push(...pending)
      continue
    }
    stack.pop()
    let max = 0
    for (const c of childrenOf(top)) max = Math.max(max, DEPTH.get(c) ?? 0)
    DEPTH.set(top, max + 1)
  }
  return DEPTH.get(e) ?? 1
}

/**
 * Throws INVALID_ARGUMENT when `e` is deeper than MAX_EXPRESSION_DEPTH.
 *
 * @example checkExprDepth(expr, 'select()') // ok for any expression up to 1,000 levels deep
 */
export function checkExprDepth(e: Expr, where: string): void {
  const depth = exprDepth(e)
  if (depth <= MAX_EXPRESSION_DEPTH) return
  throw expressionTooDeep(where, `${depth} levels`)
}

/** @example throw expressionTooDeep('selectExpr', 'more than 1000 levels') */
export function expressionTooDeep(where: string, depth: string): SluiceError {
  return new SluiceError(
    'INVALID_ARGUMENT',
    `An expression in ${where} is nested ${depth} deep, more than the ${MAX_EXPRESSION_DEPTH} Sluice compiles. ` +
      'Split it into several steps (withColumn / select one part at a time) or build it with fewer levels (e.g. a balanced sum).',
  )
}

/** Whether `e` is V8's stack overflow (a RangeError), as opposed to any other error. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message)
}
