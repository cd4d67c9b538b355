/**
 * The Nexmark part of the results chart: per query, events/s of Sluice over the generator (or the
 * Kafka input) and of its hand loop, on a log scale, labelled with the ratio. Spark is not drawn
 * here: it reads other input than these bars; the fair comparison (same input) is a table
 * (nexmark-print.ts, README via bench/readme-nexmark.ts).
 */
import { si } from './chart.ts'
import type { NexmarkBenchResult, NexmarkQueryResult } from './nexmark-bench.ts'

const LABEL_W = 210
const BAR_MAX = 440
const BAR_H = 12
const BAR_GAP = 2
const QUERY_GAP = 10
const COLORS = { sluice: '#1a73e8', hand: '#9aa0a6' } as const

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Bar length on a log scale from `lo` to `hi` events/s. */
function scale(lo: number, hi: number): (v: number) => number {
  const a = Math.log10(lo)
  const span = Math.log10(hi) - a
  return (v) => Math.max(2, Math.round(((Math.log10(Math.max(v, lo)) - a) / span) * BAR_MAX))
}

function axis(top: number, lo: number, hi: number, x: (v: number) => number): string[] {
  const out: string[] = []
  for (let v = lo; v <= hi; v *= 10) {
    const px = LABEL_W + x(v)
    out.push(
      `<line x1="${px}" y1="${top}" x2="${px}" y2="${top + 6}" stroke="#999"/>`,
      `<text x="${px}" y="${top + 18}" font-size="11" text-anchor="middle" fill="#666">${si(v)}</text>`,
    )
  }
  return out
}

function queryBars(q: NexmarkQueryResult, y: number, x: (v: number) => number): string[] {
  const bars: [keyof typeof COLORS, number, string][] = [
    [
      'sluice',
      q.sluiceEventsPerSecond,
      `Sluice ${si(q.sluiceEventsPerSecond)} ev/s · ${q.timeRatio.toFixed(2)}x hand loop's time`,
    ],
    ['hand', q.referenceEventsPerSecond, `hand loop ${si(q.referenceEventsPerSecond)} ev/s`],
  ]
  const out = [
    `<text x="${LABEL_W - 8}" y="${y + BAR_H + 2}" font-size="13" text-anchor="end">${esc(`${q.name} ${q.title}`)}</text>`,
  ]
  bars.forEach(([kind, eps, label], i) => {
    const top = y + i * (BAR_H + BAR_GAP)
    const w = x(eps)
    out.push(
      `<rect x="${LABEL_W}" y="${top}" width="${w}" height="${BAR_H}" rx="2" fill="${COLORS[kind]}"/>`,
      `<text x="${LABEL_W + w + 5}" y="${top + BAR_H - 2}" font-size="10.5">${esc(label)}</text>`,
    )
  })
  return out
}

/**
 * The Nexmark section as SVG elements starting at `top`, and its height.
 * @example const g = nexmarkGroup(results.nexmark, 16)
 */
export function nexmarkGroup(r: NexmarkBenchResult, top: number): { svg: string; height: number } {
  const values = r.queries.flatMap((q) => [q.sluiceEventsPerSecond, q.referenceEventsPerSecond])
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)))
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)))
  const x = scale(lo, hi)
  const parts = [
    `<text x="16" y="${top + 18}" font-size="16" font-weight="600">${esc(`Nexmark, ${si(r.events)} events, one core — events/s (log scale, longer is better)`)}</text>`,
    `<text x="16" y="${top + 38}" font-size="12" fill="#444">${esc(`blue: Sluice (nexmark source → noop) · grey: hand-written JS loop, same batches`)}</text>`,
    ...axis(top + 46, lo, hi, x),
  ]
  let y = top + 74
  for (const q of r.queries) {
    parts.push(...queryBars(q, y, x))
    y += 2 * (BAR_H + BAR_GAP) + QUERY_GAP
  }
  return { svg: parts.join('\n'), height: y - top + 8 }
}
