/**
 * `npm run bench -- --only nexmark --remote URL` (bench/nexmark-remote.ts) against the real local
 * Spark Connect server, on a few events: the same Nexmark query functions run embedded and through
 * Sluice.remote on the same Parquet files give the same row counts (q7, a windowed
 * aggregation, holds its windows open on so few events on both sides), the remote CPU includes the
 * server JVM, and a query Spark cannot run (a JavaScript UDF) is reported by name, not a crash.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { localServerPid, runRemoteComparison } from '../../bench/nexmark-remote.ts'
import { sparkConnect } from '../harness/spark-connect.ts'

let url = ''
let skip: string | undefined
before(async () => {
  const server = await sparkConnect()
  if ('skip' in server) skip = server.skip
  else url = server.url
})

describe('the Nexmark queries through Sluice.remote beside the embedded run', () => {
  it('runs q0, q7 and q14 both ways on the same Parquet files', async (tc) => {
    if (skip) return tc.skip(skip)
    const r = await runRemoteComparison({
      url,
      events: 20_000,
      eventsPerBatch: 10_000,
      runs: 1,
      queries: ['q0', 'q7', 'q14'],
    })
    assert.ok(r.available, r.available ? '' : r.reason)
    const [q0, q7, q14] = r.queries
    for (const q of [q0, q7]) {
      assert.equal(
        q.rowsMatch,
        true,
        `${q.name}: embedded ${q.embedded?.outputRows}, remote ${q.remote?.outputRows}`,
      )
      assert.ok((q.cpuRatio ?? 0) > 0 && (q.wallRatio ?? 0) > 0)
    }
    assert.equal(q0.remote?.outputRows, 18_400, 'q0 passes every bid through')
    assert.ok(q14.embedded !== undefined, 'q14 runs embedded')
    assert.match(q14.remoteError ?? '', /UNSUPPORTED_OPERATION.*JavaScript UDF 'count_char'/)
    if (localServerPid(url) !== null) assert.match(r.remoteCpuClock, /server JVM \(pid \d+/)
  })
})
