/**
 * A greedy shrinker for spark-diff: from a scenario on which Spark and Sluice disagree, tries
 * smaller ones (a step dropped, a row dropped, no restarts, no filter) and keeps the first that
 * still disagrees, until none does or the attempts run out.
 */
import type { Scenario } from './scenario.ts'

/** The scenarios one simplification smaller than `s`, simplest first. */
export function smallerScenarios(s: Scenario): Scenario[] {
  const out: Scenario[] = []
  if (s.restarts) out.push({ ...s, restarts: false })
  if (s.filterAbove !== null) out.push({ ...s, filterAbove: null })
  for (let i = s.steps.length - 1; i >= 0 && s.steps.length > 1; i--) {
    out.push({ ...s, steps: s.steps.filter((_, j) => j !== i) })
  }
  for (const [i, step] of s.steps.entries()) {
    for (let r = 0; r < step.length && step.length > 1; r++) {
      const steps = s.steps.map((st, j) => (j === i ? st.filter((_, q) => q !== r) : st))
      out.push({ ...s, steps })
    }
  }
  return out
}

/**
 * The smallest scenario found that still disagrees (`differs` runs both engines).
 *
 * @example await shrink(scenario, (s) => compare(s).then((c) => !c.same), 30)
 */
export async function shrink(
  s: Scenario,
  differs: (s: Scenario) => Promise<boolean>,
  maxAttempts: number,
): Promise<Scenario> {
  let current = s
  let attempts = 0
  for (;;) {
    let smaller: Scenario | undefined
    for (const c of smallerScenarios(current)) {
      if (attempts++ >= maxAttempts) return current
      if (await differs(c)) {
        smaller = c
        break
      }
    }
    if (smaller === undefined) return current
    current = smaller
  }
}
