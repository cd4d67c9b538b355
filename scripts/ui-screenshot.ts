// Takes the README's screenshots of the web UI (docs/ui-*.png): a windowed count over the rate
// source runs for a few seconds on the system clock, then Chromium photographs the pages.
//   node scripts/ui-screenshot.ts
import { setTimeout as sleep } from 'node:timers/promises'
import { col, count, Sluice, window } from '../src/index.ts'
import { withBrowser } from '../test/harness/browser.ts'

const sluice = Sluice.local({
  'sluice.sql.session.timeZone': 'UTC',
  'sluice.ui.enabled': true,
  'sluice.ui.port': 0,
  'sluice.streaming.stopOnSignal': false,
})
const url = await sluice.ui!.ready()
const query = await sluice.readStream
  .format('rate')
  .option('rowsPerSecond', 400)
  .load()
  .withWatermark('timestamp', '2 seconds')
  .groupBy(window(col('timestamp'), '1 second'), col('value').mod(50).alias('bucket'))
  .agg(count('*').alias('n'))
  .writeStream.format('memory')
  .queryName('rate_per_bucket')
  .outputMode('append')
  .trigger({ processingTime: '500 milliseconds' })
  .start()
await sleep(15_000)
await withBrowser(async (ctx) => {
  const page = await ctx.newPage()
  await page.goto(url)
  await page.waitForSelector('tr[data-run]')
  await page.screenshot({ path: 'docs/ui-queries.png' })
  await page.goto(`${url}#/query/${query.runId}`)
  await page.waitForFunction(() => (window as any).sluiceCharts?.get('state-rows') !== undefined)
  await page.screenshot({ path: 'docs/ui-query.png', fullPage: false })
})
await query.stop()
await sluice.ui?.close()
