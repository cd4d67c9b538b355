/**
 * The web UI in a real browser (Chromium through playwright-core) against real queries in this
 * process: the list shows a running and a failed query, the detail page's charts hold the points
 * of the query's progress, the plan and the last progress are shown, and the failed query's error.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { col, count, ManualClock, max, Sluice, t, udf, window } from '../../src/index.ts'
import { nodeFileSystem } from '../../src/io/fs.ts'
import { CheckpointHistory } from '../../src/ui/checkpoint-history.ts'
import { UiServer } from '../../src/ui/ui-server.ts'
import { RESULTS_DIR, withBrowser } from '../harness/browser.ts'
import { withTempDir } from '../harness/temp-dir.ts'

async function startQueries(sluice: Sluice, clock: ManualClock) {
  const events = sluice.memoryStream(t.struct({ ts: t.timestamp(), k: t.string() }))
  const windowed = await events
    .toDF()
    .observe('clicks', count('*').alias('rows'), max('k').alias('last_key'))
    .withWatermark('ts', '5 seconds')
    .groupBy(window(col('ts'), '10 seconds'), col('k'))
    .agg(count('*').alias('n'))
    .writeStream.format('memory')
    .queryName('clicks_per_window')
    .outputMode('append')
    .start()
  const sizes = [3, 5, 2, 6, 4, 7, 3, 5]
  const start = clock.now()
  for (const [b, n] of sizes.entries()) {
    clock.advance(1_000)
    const rows = Array.from({ length: n }, (_, i) => ({ ts: start + b * 4_000 + i * 100, k: `k${i % 3}` }))
    events.addData(...rows)
    await windowed.processAllAvailable()
  }
  // Far behind the watermark by now: dropped as late.
  events.addData({ ts: start, k: 'late' })
  await windowed.processAllAvailable()
  const numbers = sluice.memoryStream(t.struct({ n: t.long() }))
  const check = udf((n: number) => {
    if (n < 0) throw new Error(`negative amount ${n}`)
    return n
  }, t.long())
  const failing = await numbers
    .toDF()
    .select(check('n').as('n'))
    .writeStream.format('noop')
    .queryName('payments')
    .start()
  numbers.addData({ n: -5 })
  await assert.rejects(failing.awaitTermination())
  return { windowed, failing }
}

describe('web UI', () => {
  it('lists queries, charts their progress and shows a failed query’s error', async () => {
    const clock = new ManualClock(1_700_000_000_000)
    const sluice = Sluice.local({
      'sluice.sql.session.timeZone': 'UTC',
      'sluice.streaming.stopOnSignal': false,
      clock,
      'sluice.ui.enabled': true,
      'sluice.ui.port': 0,
    })
    const url = await sluice.ui!.ready()
    const { windowed, failing } = await startQueries(sluice, clock)
    try {
      await withBrowser(async (ctx) => {
        const page = await ctx.newPage()
        await page.goto(url)
        await page.waitForSelector(`tr[data-run="${windowed.runId}"]`)
        const row = (runId: string) =>
          page.$$eval(`tr[data-run="${runId}"] td`, (tds) => tds.map((td) => td.textContent?.trim()))
        const w = await row(windowed.runId)
        assert.deepEqual(w.slice(0, 4), ['clicks_per_window', 'active', windowed.id, windowed.runId])
        assert.equal(Number(w[5]), windowed.recentProgress.length, 'batches')
        const f = await row(failing.runId)
        assert.equal(f[1], 'failed')
        assert.match(f[8] ?? '', /negative amount -5/)
        await page.screenshot({ path: join(RESULTS_DIR, 'ui-query-list.png'), fullPage: true })

        await page.click(`tr[data-run="${windowed.runId}"] a`)
        await page.waitForFunction(() => (window as any).sluiceCharts?.get('state-rows') !== undefined)
        const progress = windowed.recentProgress
        const series = (key: string) =>
          page.evaluate((k) => (window as any).sluiceCharts.get(k).data.map((s: unknown[]) => [...s]), key)
        const inputRows = await series('input-rows')
        assert.deepEqual(
          inputRows[0],
          progress.map((p) => p.batchId),
          'x: batch ids',
        )
        assert.deepEqual(
          inputRows[1],
          progress.map((p) => p.numInputRows),
          'y: input rows',
        )
        const duration = await series('batch-duration')
        assert.deepEqual(
          duration[1],
          progress.map((p) => p.batchDuration),
        )
        const stateRows = await series('state-rows')
        assert.deepEqual(
          stateRows[1],
          progress.map((p) => p.stateOperators[0].numRowsTotal),
        )
        const late = await series('late-rows')
        assert.deepEqual(
          late[1],
          progress.map((p) => p.stateOperators[0].numRowsDroppedByWatermark),
        )
        assert.equal(late[1].at(-1), 1, 'the late row shows in the last batch')
        const gap = await series('watermark')
        assert.deepEqual(
          gap[1],
          progress.map((p) => {
            const watermark = Date.parse(p.eventTime.watermark)
            return watermark > 0 ? (Date.parse(p.timestamp) - watermark) / 1000 : null
          }),
        )
        // The canvas really has ink on it, not just data behind it.
        const inked = await page.$eval('#chart-input-rows canvas', (c) => {
          // (the test is type-checked without the DOM library: name only what is used)
          const canvas = c as unknown as {
            width: number
            height: number
            getContext(kind: '2d'): {
              getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray }
            }
          }
          const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
          let n = 0
          for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++
          return n
        })
        assert.ok(inked > 100, `the input-rows chart drew ${inked} pixels`)
        // The operator graph from the incremental plan, with the stateful operator's state rows.
        const operators = (await page.textContent('#operators')) ?? ''
        for (const n of windowed.operatorGraph.nodes) assert.ok(operators.includes(n.name), `shows ${n.name}`)
        const lastState = windowed.lastProgress?.stateOperators[0]
        assert.ok(operators.includes(`operator 0: ${lastState?.numRowsTotal} state rows`), operators)
        // observe() metrics: the last batch's as a table, each batch's numeric ones as a chart.
        const observedRows = await page.$$eval('#observed-metrics tbody tr', (trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
        )
        const lastObserved = windowed.lastProgress?.observedMetrics.clicks
        assert.deepEqual(observedRows, [
          ['clicks', 'rows', String(lastObserved?.rows)],
          ['clicks', 'last_key', String(lastObserved?.last_key)],
        ])
        const observedChart = await series('observed-0')
        assert.deepEqual(
          observedChart[1],
          progress.map((p) => p.observedMetrics.clicks.rows),
          'one point per batch: the rows it observed',
        )
        assert.equal(await page.textContent('#chart-observed-0 h3'), 'Observed metrics: clicks')
        const explain = await page.textContent('#explain')
        assert.match(explain ?? '', /== Physical Plan ==/)
        const last = JSON.parse((await page.textContent('#last-progress')) ?? '{}')
        assert.equal(last.batchId, windowed.lastProgress?.batchId)
        assert.equal(last.runId, windowed.runId)
        await page.screenshot({ path: join(RESULTS_DIR, 'ui-query-detail.png'), fullPage: true })

        await page.goto(`${url}#/query/${failing.runId}`)
        await page.waitForSelector('#error')
        assert.match((await page.textContent('#error')) ?? '', /negative amount -5/)
        assert.equal(await page.textContent('#summary .status-failed'), 'failed')
        await page.screenshot({ path: join(RESULTS_DIR, 'ui-failed-query.png'), fullPage: true })
      })
    } finally {
      await windowed.stop()
      await sluice.ui?.close()
    }
  })

  it('shows finished queries’ history from their checkpoints (sluice ui --checkpoint)', async () => {
    await withTempDir(async (dir) => {
      const runs = [await runFromCheckpoint(dir, 0), await runFromCheckpoint(dir, 4)]
      const history = await CheckpointHistory.open(nodeFileSystem, [dir])
      const ui = new UiServer(history, null, { host: '127.0.0.1', port: 0, title: `History of ${dir}` })
      const url = await ui.ready()
      try {
        await withBrowser(async (ctx) => {
          const page = await ctx.newPage()
          await page.goto(url)
          for (const q of runs) await page.waitForSelector(`tr[data-run="${q.runId}"]`)
          await page.waitForSelector(`#title:text-is("History of ${dir}")`)
          const row = await page.$$eval(`tr[data-run="${runs[1].runId}"] td`, (tds) =>
            tds.map((td) => td.textContent?.trim()),
          )
          assert.deepEqual(row.slice(0, 6), [
            'history',
            'stopped',
            runs[1].id,
            runs[1].runId,
            runs[1].recentProgress[0].timestamp,
            String(runs[1].recentProgress.length),
          ])
          await page.screenshot({ path: join(RESULTS_DIR, 'ui-history-list.png'), fullPage: true })
          await page.click(`tr[data-run="${runs[1].runId}"] a`)
          await page.waitForFunction(() => (window as any).sluiceCharts?.get('observed-0') !== undefined)
          const series = (key: string) =>
            page.evaluate((k) => (window as any).sluiceCharts.get(k).data.map((s: unknown[]) => [...s]), key)
          const progress = runs[1].recentProgress
          const inputRows = await series('input-rows')
          assert.deepEqual(
            inputRows[0],
            progress.map((p) => p.batchId),
            'x: the second run’s batch ids',
          )
          assert.deepEqual(
            inputRows[1],
            progress.map((p) => p.numInputRows),
          )
          const stateRows = await series('state-rows')
          assert.deepEqual(
            stateRows[1],
            progress.map((p) => p.stateOperators[0].numRowsTotal),
          )
          const observed = await series('observed-0')
          assert.deepEqual(
            observed[1],
            progress.map((p) => p.observedMetrics.clicks.rows),
          )
          assert.match((await page.textContent('#explain')) ?? '', /the plan is not kept there/)
          const last = JSON.parse((await page.textContent('#last-progress')) ?? '{}')
          assert.equal(last.batchId, progress.at(-1)?.batchId)
          await page.screenshot({ path: join(RESULTS_DIR, 'ui-history-detail.png'), fullPage: true })
        })
      } finally {
        await ui.close()
      }
    })
  })
})

/** One run of a windowed count on the checkpoint `dir`; `from`: rows an earlier run read (re-added, skipped). */
async function runFromCheckpoint(dir: string, from: number) {
  const clock = new ManualClock(1_700_000_000_000 + from * 60_000)
  const sluice = Sluice.local({
    'sluice.sql.session.timeZone': 'UTC',
    'sluice.streaming.stopOnSignal': false,
    clock,
  })
  const events = sluice.memoryStream(t.struct({ ts: t.timestamp(), k: t.string() }))
  for (let i = 0; i < from; i++) events.addData({ ts: 0, k: 'old' })
  const q = await events
    .toDF()
    .observe('clicks', count('*').alias('rows'))
    .withWatermark('ts', '5 seconds')
    .groupBy(window(col('ts'), '10 seconds'), col('k'))
    .agg(count('*').alias('n'))
    .writeStream.format('noop')
    .queryName('history')
    .outputMode('append')
    .option('checkpointLocation', dir)
    .start()
  for (let b = 0; b < 4; b++) {
    clock.advance(1_000)
    const base = 1_700_000_000_000 + (from + b) * 4_000
    events.addData(...Array.from({ length: b + 2 }, (_, i) => ({ ts: base + i * 100, k: `k${i % 2}` })))
    await q.processAllAvailable()
  }
  await q.stop()
  return q
}
