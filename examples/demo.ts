// The README's first command runs this: a streaming query on the embedded defaults. A rate source
// makes 5 rows a second; every 2 seconds a micro-batch is filtered, enriched and printed. The
// checkpoint lives in ./demo-checkpoint: stop with Ctrl-C (the batch in flight finishes and
// commits) and run again, and the query resumes where it stopped: batch ids and values continue.
//
//   npm run demo                 run until Ctrl-C
//   npm run demo -- --for 10s    stop by itself after 10 seconds
import { col, concat, expr, lit, Sluice, when } from 'sluice'

// The web UI (Spark's Structured Streaming tab) on http://127.0.0.1:4040/ while the demo runs.
const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', 'sluice.ui.enabled': true })
const checkpoint = 'demo-checkpoint'

const rates = sluice.readStream.format('rate').option('rowsPerSecond', 5).load()

const query = await rates
  .filter(col('value').mod(3).neq(0))
  .select(
    col('timestamp'),
    col('value'),
    when(col('value').mod(2).eq(0), 'even').otherwise('odd').alias('parity'),
    concat(lit('order-'), col('value').cast('string')).alias('orderId'),
    expr('value * 0.908 AS euros'),
  )
  .writeStream.format('console')
  .option('checkpointLocation', checkpoint)
  .option('truncate', false)
  .trigger({ processingTime: '2 seconds' })
  .queryName('demo')
  .start()

console.log(`Query ${query.id} started (run ${query.runId}); checkpoint in ./${checkpoint}. Ctrl-C to stop.`)
await sluice.ui?.ready().then(
  (url) => console.log(`Sluice UI at ${url}`),
  (e: Error) => console.log(`No UI: ${e.message}`),
)
sluice.streams.addListener({
  onQueryTerminated: () => console.log('Stopped after committing the batch in flight. Run again to resume.'),
})

const forArg = process.argv.indexOf('--for')
if (forArg >= 0) {
  const seconds = Number.parseFloat(process.argv[forArg + 1] ?? '10')
  await query.awaitTermination(seconds * 1000)
  await query.stop()
  const last = query.lastProgress
  console.log(
    `Ran ${query.recentProgress.length} batches; last batch ${last?.batchId ?? '-'} read ${last?.numInputRows ?? 0} rows.`,
  )
} else {
  await query.awaitTermination()
}
