/**
 * The Prometheus endpoint: a real windowed query runs, `/metrics` is scraped over HTTP from the
 * session's UI server and from a handler mounted in our own server, parsed with a Prometheus
 * text-format parser, and every series is checked against the progress it came from.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import {
  col,
  count,
  ManualClock,
  max,
  Sluice,
  type StreamingQueryProgress,
  sum,
  t,
  window,
} from '../../src/index.ts'
import { withTempDir } from '../harness/temp-dir.ts'

interface Sample {
  readonly labels?: Record<string, string>
  readonly value?: string
  readonly buckets?: Record<string, string>
  readonly count?: string
  readonly sum?: string
}
interface Family {
  readonly name: string
  readonly type: string
  readonly metrics: readonly Sample[]
}

async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(url)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
  const families = parsePrometheusTextFormat(await res.text()) as Family[]
  return new Map(families.map((f) => [f.name, f]))
}

/** The one sample of `name` whose labels include `labels`. */
function sample(m: Map<string, Family>, name: string, labels: Record<string, string>): Sample {
  const family = m.get(name)
  assert.ok(family, `${name} is exported`)
  const hits = family.metrics.filter((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))
  assert.equal(hits.length, 1, `one ${name} sample with ${JSON.stringify(labels)}`)
  return hits[0]
}

const value = (s: Sample) => Number(s.value)

async function runWindowedQuery(sluice: Sluice, clock: ManualClock) {
  const input = sluice.memoryStream(t.struct({ ts: t.timestamp(), k: t.string() }))
  const q = await input
    .toDF()
    .withWatermark('ts', '5 seconds')
    .groupBy(window(col('ts'), '10 seconds'), col('k'))
    .agg(count('*').alias('n'))
    .writeStream.format('memory')
    .queryName('windowed_counts')
    .outputMode('append')
    .start()
  const progress: StreamingQueryProgress[] = []
  const batches: { ts: number; k: string }[][] = [
    [
      { ts: 1_000, k: 'a' },
      { ts: 2_000, k: 'b' },
      { ts: 3_000, k: 'a' },
    ],
    [
      { ts: 21_000, k: 'a' },
      { ts: 22_000, k: 'c' },
    ],
    // Behind the watermark (16 s) by now: dropped as late.
    [
      { ts: 4_000, k: 'z' },
      { ts: 23_000, k: 'a' },
    ],
  ]
  for (const rows of batches) {
    clock.advance(1_000)
    input.addData(...rows)
    await q.processAllAvailable()
  }
  progress.push(...q.recentProgress)
  return { q, progress }
}

describe('Prometheus metrics', () => {
  it('serves /metrics whose values match the progress of a real windowed query', async () => {
    const clock = new ManualClock(1_000_000)
    const sluice = Sluice.local({
      'sluice.sql.session.timeZone': 'UTC',
      'sluice.streaming.stopOnSignal': false,
      clock,
      'sluice.ui.enabled': true,
      'sluice.ui.port': 0,
    })
    const url = await sluice.ui!.ready()
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/)
    try {
      const { q, progress } = await runWindowedQuery(sluice, clock)
      const m = await scrape(`${url}metrics`)
      await q.stop()
      const labels = { query_name: 'windowed_counts', query_id: q.id }
      const last = progress.at(-1)!
      assert.equal(
        value(sample(m, 'sluice_streaming_input_rows_total', labels)),
        progress.reduce((n, p) => n + p.numInputRows, 0),
      )
      assert.equal(value(sample(m, 'sluice_streaming_input_rows_total', labels)), 7)
      assert.equal(value(sample(m, 'sluice_streaming_batches_total', labels)), progress.length)
      assert.equal(value(sample(m, 'sluice_streaming_last_batch_id', labels)), last.batchId)
      assert.equal(
        value(sample(m, 'sluice_streaming_processed_rows_per_second', labels)),
        last.processedRowsPerSecond,
      )
      assert.equal(
        value(sample(m, 'sluice_streaming_input_rows_per_second', labels)),
        last.inputRowsPerSecond,
      )
      // NOTE: the parser flattens a histogram into its buckets and drops its labels, sum and count
      // (it reads one unlabelled histogram); this session has one query, so the buckets are its own.
      const histogram = m.get('sluice_streaming_batch_duration_seconds')
      assert.equal(histogram?.type, 'HISTOGRAM')
      const buckets = histogram?.metrics[0].buckets ?? {}
      assert.equal(Number(buckets['+Inf']), progress.length)
      for (const [le, n] of Object.entries(buckets)) {
        const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le)
        const within = progress.filter((p) => p.batchDuration / 1000 <= bound).length
        assert.equal(Number(n), within, `batches of at most ${le} s`)
      }
      const op = last.stateOperators[0]
      const opLabels = { ...labels, operator: `0:${op.operatorName}` }
      assert.equal(value(sample(m, 'sluice_streaming_state_rows', opLabels)), op.numRowsTotal)
      assert.equal(value(sample(m, 'sluice_streaming_state_memory_bytes', opLabels)), op.memoryUsedBytes)
      const late = progress.reduce((n, p) => n + (p.stateOperators[0]?.numRowsDroppedByWatermark ?? 0), 0)
      assert.equal(late, 1, 'the row at 4 s came after the watermark passed 16 s')
      assert.equal(value(sample(m, 'sluice_streaming_late_rows_total', opLabels)), late)
      const lag = (Date.parse(last.timestamp) - Date.parse(last.eventTime.watermark)) / 1000
      assert.equal(value(sample(m, 'sluice_streaming_watermark_lag_seconds', labels)), lag)
      assert.equal(value(sample(m, 'sluice_streaming_query_active', labels)), 1)
      const after = await scrape(`${url}metrics`)
      assert.equal(value(sample(after, 'sluice_streaming_query_active', labels)), 0, 'stopped')
    } finally {
      await sluice.ui?.close()
    }
  })

  it('counts the rows sent to each dead-letter output', async () => {
    const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, clock: new ManualClock(0) })
    const input = sluice.memoryStream(t.struct({ n: t.long() }))
    await withTempDir(async (dir) => {
      const q = await input
        .toDF()
        .deadLetter('negative', col('n').lt(0))
        .writeStream.format('noop')
        .option('checkpointLocation', dir)
        .start()
      input.addData({ n: 1 }, { n: -1 }, { n: -2 })
      await q.processAllAvailable()
      input.addData({ n: -3 }, { n: 4 })
      await q.processAllAvailable()
      await q.stop()
      const counted = q.recentProgress.map((p) => p.deadLetters.negative ?? 0)
      assert.deepEqual(counted, [2, 1], 'progress reports each batch’s dead letters')
      assert.match(q.recentProgress[0].json, /"deadLetters":\{"negative":2\}/)
      const text = await sluice.metrics.registry.metrics()
      const m = new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]))
      const labels = { query_id: q.id, output: 'negative' }
      assert.equal(value(sample(m, 'sluice_streaming_dead_letters_total', labels)), 3)
    })
  })

  it('exports each numeric observe() metric of the last batch as a gauge', async () => {
    const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, clock: new ManualClock(0) })
    const input = sluice.memoryStream(t.struct({ n: t.long(), s: t.string() }))
    const q = await input
      .toDF()
      .observe('amounts', count('*').alias('rows'), sum('n').alias('total'), max('s').alias('top'))
      .writeStream.format('noop')
      .queryName('observed')
      .start()
    input.addData({ n: 1, s: 'a' }, { n: 2, s: 'b' })
    await q.processAllAvailable()
    input.addData({ n: 10, s: 'c' })
    await q.processAllAvailable()
    await q.stop()
    const text = await sluice.metrics.registry.metrics()
    const m = new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]))
    const labels = { query_name: 'observed', query_id: q.id, observation: 'amounts' }
    const last = q.lastProgress!.observedMetrics.amounts
    assert.deepEqual(last, { rows: 1, total: 10, top: 'c' })
    assert.equal(value(sample(m, 'sluice_streaming_observed_metric', { ...labels, metric: 'rows' })), 1)
    assert.equal(value(sample(m, 'sluice_streaming_observed_metric', { ...labels, metric: 'total' })), 10)
    const family = m.get('sluice_streaming_observed_metric')
    assert.ok(!family?.metrics.some((s) => s.labels?.metric === 'top'), 'a string metric is not a gauge')
  })

  it('has every series the Grafana dashboard, the alert rules and the README name', async () => {
    const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false })
    const exported = new Set(sluice.metrics.registry.getMetricsAsArray().map((m) => m.name))
    const root = new URL('../../', import.meta.url)
    for (const doc of ['docs/grafana-dashboard.json', 'docs/prometheus-alerts.yml', 'README.md']) {
      const text = await readFile(new URL(doc, root), 'utf8')
      const named = new Set(
        [...text.matchAll(/sluice_streaming_[a-z_]+/g)].map((m) => m[0].replace(/_bucket$/, '')),
      )
      assert.ok(named.size >= 5, `${doc} names the metrics`)
      for (const name of named) assert.ok(exported.has(name), `${doc} names ${name}, which is not exported`)
    }
  })

  it('mounts the same handler in the user’s own HTTP server', async () => {
    const clock = new ManualClock(0)
    const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, clock })
    assert.equal(sluice.ui, null, 'the UI is off unless enabled')
    const server = createServer((req, res) => {
      if (req.url === '/custom/metrics') return sluice.metrics.handler(req, res)
      res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { q, progress } = await runWindowedQuery(sluice, clock)
      await q.stop()
      const { port } = server.address() as AddressInfo
      const m = await scrape(`http://127.0.0.1:${port}/custom/metrics`)
      const labels = { query_name: 'windowed_counts', query_id: q.id }
      assert.equal(
        value(sample(m, 'sluice_streaming_input_rows_total', labels)),
        progress.reduce((n, p) => n + p.numInputRows, 0),
      )
    } finally {
      server.close()
    }
  })
})
