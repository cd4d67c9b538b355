/**
 * Reattachable execution against the real Spark Connect server: a TCP proxy cuts the connection in
 * the middle of a large result, and the query still returns every row exactly once.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { col, t } from '../../src/index.ts'
import { remoteSession, sparkConnect } from '../harness/spark-connect.ts'
import { tcpProxy } from '../harness/tcp-proxy.ts'

let url = ''
let skip: string | undefined
before(async () => {
  const server = await sparkConnect()
  if ('skip' in server) skip = server.skip
  else url = server.url
})

describe('Sluice.remote after a dropped connection', () => {
  it('reattaches and returns every row of a multi-batch result exactly once', async (tc) => {
    if (skip) return tc.skip(skip)
    const port = Number(/:(\d+)/.exec(url.slice('sc://'.length))?.[1] ?? 15002)
    // Arrow batches are up to 4 MiB: 1M rows of two longs come back in several; cut after about 6 MiB.
    const proxy = await tcpProxy(port, { dropAfterBytes: 6 << 20 })
    const spark = remoteSession(`sc://127.0.0.1:${proxy.port}`)
    try {
      const ids = spark.createDataFrame(
        Array.from({ length: 1000 }, (_, i) => ({ i })),
        t.struct({ i: t.long() }),
      )
      const pairs = ids
        .alias('a')
        .crossJoin(ids.alias('b'))
        .select(col('a.i').alias('x'), col('b.i').alias('y'))
      const rows = await pairs.collect()
      assert.equal(proxy.drops(), 1)
      assert.equal(rows.length, 1_000_000)
      const seen = new Uint8Array(1_000_000)
      for (const r of rows as { x: number; y: number }[]) seen[r.x * 1000 + r.y]++
      assert.ok(
        seen.every((n) => n === 1),
        'every (x, y) pair once',
      )
    } finally {
      spark.close()
      await proxy.close()
    }
  })
})
