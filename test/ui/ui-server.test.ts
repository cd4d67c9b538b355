/**
 * The UI server's HTTP surface and settings: loopback by default, the JSON API a running query
 * feeds, clear errors for a busy port or a bad setting.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError, ManualClock, Sluice, t } from '../../src/index.ts'

const uiSession = (extra: Record<string, unknown> = {}) =>
  Sluice.local({
    'sluice.streaming.stopOnSignal': false,
    clock: new ManualClock(0),
    'sluice.ui.enabled': true,
    'sluice.ui.port': 0,
    ...extra,
  })

describe('UI server', () => {
  it('listens on 127.0.0.1 unless sluice.ui.host says otherwise', async () => {
    const local = uiSession()
    assert.match(await local.ui!.ready(), /^http:\/\/127\.0\.0\.1:/)
    await local.ui!.close()
    const v6 = uiSession({ 'sluice.ui.host': '::1' })
    assert.match(await v6.ui!.ready(), /^http:\/\/\[::1\]:\d+\/$/)
    await v6.ui!.close()
  })

  it('serves the page, its assets, the runs and one run’s progress as JSON', async () => {
    const sluice = uiSession()
    const url = await sluice.ui!.ready()
    try {
      const input = sluice.memoryStream(t.struct({ n: t.long() }))
      const q = await input.toDF().writeStream.format('noop').queryName('nums').start()
      input.addData({ n: 1 }, { n: 2 })
      await q.processAllAvailable()
      const page = await fetch(url)
      assert.match(page.headers.get('content-type') ?? '', /text\/html/)
      assert.match(await page.text(), /uPlot\.iife\.min\.js/)
      for (const asset of ['app.js', 'app.css', 'uPlot.iife.min.js', 'uPlot.min.css'])
        assert.equal((await fetch(`${url}static/${asset}`)).status, 200, asset)
      assert.equal((await fetch(`${url}static/../../package.json`)).status, 404)
      const runs = (await (await fetch(`${url}api/queries`)).json()) as Record<string, unknown>[]
      assert.deepEqual(
        runs.map((r) => [r.name, r.status, r.runId, r.batches, r.lastBatchId]),
        [['nums', 'active', q.runId, 1, 0]],
      )
      const run = (await (await fetch(`${url}api/queries/${q.runId}`)).json()) as {
        progress: { numInputRows: number }[]
        explain: string
      }
      assert.deepEqual(
        run.progress.map((p) => p.numInputRows),
        [2],
      )
      // Each explain() analyzes afresh, so only the attribute ids (#n) may differ.
      const ids = (text: string) => text.replace(/#\d+/g, '#')
      assert.equal(ids(run.explain), ids(q.explain()))
      assert.match(run.explain, /== Physical Plan ==/)
      assert.equal((await fetch(`${url}api/queries/nope`)).status, 404)
      assert.equal((await fetch(url, { method: 'POST' })).status, 405)
      await q.stop()
      const after = (await (await fetch(`${url}api/queries`)).json()) as { status: string }[]
      assert.equal(after[0].status, 'stopped')
    } finally {
      await sluice.ui!.close()
    }
  })

  it('fails ready() with a clear error when the port is taken', async () => {
    const first = uiSession()
    const port = Number(new URL(await first.ui!.ready()).port)
    try {
      const second = uiSession({ 'sluice.ui.port': port })
      await assert.rejects(second.ui!.ready(), (e) => {
        assert.ok(isSluiceError(e, 'INVALID_OPTION'))
        assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}.*sluice\\.ui\\.port`))
        return true
      })
    } finally {
      await first.ui!.close()
    }
  })

  it('rejects a bad port or log level, naming the setting', () => {
    assert.throws(() => uiSession({ 'sluice.ui.port': 70000 }), /'sluice\.ui\.port' must be an integer/)
    assert.throws(
      () => Sluice.local({ 'sluice.log.level': 'loud' }),
      /'sluice\.log\.level' must be one of fatal, error, warn, info, debug, trace, silent, but is 'loud'/,
    )
  })
})
