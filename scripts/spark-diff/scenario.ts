/**
 * Random streaming scenarios for `npm run spark-diff`: a seed gives one query (a watermark, maybe
 * a filter, maybe a union of two watermarked inputs, then one stateful shape in an output mode both engines accept or both refuse) and a
 * few steps of input rows, each step one JSON file. The scenario is plain JSON, so the PySpark side
 * (spark_runner.py) builds the same query from it.
 */

export type Shape =
  | { readonly kind: 'window'; readonly size: number; readonly slide: number }
  | { readonly kind: 'session'; readonly gap: number }
  | { readonly kind: 'key' }
  | { readonly kind: 'dedup'; readonly keys: readonly string[] }
  | { readonly kind: 'dedupWithin' }
  | { readonly kind: 'chain'; readonly size: number; readonly outer: number }

export interface Scenario {
  readonly seed: number
  /** Watermark delay in seconds. */
  readonly delay: number
  /** Keep rows with `v > filterAbove` (after withWatermark), or no filter. */
  readonly filterAbove: number | null
  readonly shape: Shape
  readonly mode: 'append' | 'update' | 'complete'
  readonly restarts: boolean
  /**
   * Two watermarked inputs unioned: rows with k = 'c' go to the second one, whose watermark delay
   * is `delay2` (the global watermark is the minimum, an input without rows yet counting as 0).
   */
  readonly union: boolean
  readonly delay2: number
  /**
   * The second input of a union has no watermark (drawn after `union`; old scenarios: absent).
   */
  readonly unwatermarked2?: boolean
  /**
   * An ANSI SQL expression added as column `x` after the filter (`selectExpr('*', '<x> AS x')`),
   * or none; some raise on some rows (CAST_INVALID_INPUT, overflow), and most shapes never read
   * `x`, so Spark prunes it (absent in old scenarios).
   */
  readonly x?: string | null
  /** Rows per step: k, v, time in seconds (null: no event time). */
  readonly steps: readonly { k: string; v: number; time: number | null }[][]
}

/** ANSI expressions for the column `x`; some raise on some rows, on purpose. */
export const X_EXPRS = [
  'v * 2 + 1',
  'v % 3',
  'v DIV 2',
  'v / 4',
  'CAST(v AS STRING)',
  "CAST(concat(CAST(v AS STRING), '.5') AS INT)",
  "TRY_CAST(concat(CAST(v AS STRING), '.5') AS INT)",
  'CAST(v AS INT) * 1000000000',
  'CAST(v AS INT) + 2147483647',
  'CASE WHEN v > 2 THEN k ELSE NULL END',
  '1 / (v + 1)',
  '10 DIV (v + 1)',
  'v % (v + 1)',
  'CAST(time AS BIGINT) % 7',
  'rand() < 2',
] as const

/** mulberry32: a small seeded generator, so a seed names one scenario on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const MODES_BY_SHAPE: Readonly<Record<Shape['kind'], readonly Scenario['mode'][]>> = {
  window: ['append', 'update', 'complete'],
  session: ['append', 'complete'],
  key: ['update', 'complete'],
  dedup: ['append'],
  dedupWithin: ['append'],
  chain: ['append'],
}

function shapeOf(pick: <T>(xs: readonly T[]) => T): Shape {
  const size = pick([5, 10])
  switch (pick(['window', 'window', 'session', 'key', 'dedup', 'dedupWithin', 'chain'] as const)) {
    case 'window':
      return { kind: 'window', size, slide: pick([size, size / 5]) }
    case 'session':
      return { kind: 'session', gap: pick([3, 5]) }
    case 'key':
      return { kind: 'key' }
    case 'dedup':
      return { kind: 'dedup', keys: pick([['k'], ['k', 'time']]) }
    case 'dedupWithin':
      return { kind: 'dedupWithin' }
    case 'chain':
      return { kind: 'chain', size: 5, outer: pick([10, 20]) }
  }
}

/**
 * The scenario of a seed.
 *
 * @example generateScenario(7).shape // { kind: 'session', gap: 5 }
 */
export function generateScenario(seed: number): Scenario {
  const r = random(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
  const shape = shapeOf(pick)
  let clock = 0
  const steps = Array.from({ length: 2 + Math.floor(r() * 4) }, () =>
    Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
      clock += Math.floor(r() * 8)
      // Mostly moving forward, sometimes a late row, rarely no event time.
      const time = r() < 0.05 ? null : r() < 0.2 ? Math.max(0, clock - Math.floor(r() * 20)) : clock
      return { k: pick(['a', 'b', 'c']), v: Math.floor(r() * 5) - 1, time }
    }),
  )
  return Object.freeze({
    seed,
    delay: pick([0, 5]),
    filterAbove: r() < 0.3 ? 0 : null,
    shape,
    mode: pick(MODES_BY_SHAPE[shape.kind]),
    restarts: r() < 0.3,
    steps,
    // Drawn last, so the scenarios of seeds without a union stay as they were.
    union: r() < 0.2,
    delay2: pick([0, 10]),
    // Drawn after the union, so the scenarios above stay as they were.
    unwatermarked2: r() < 0.25,
    x: r() < 0.5 ? pick(X_EXPRS) : null,
  })
}
