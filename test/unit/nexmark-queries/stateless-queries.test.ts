/**
 * The stateless Nexmark queries of bench/nexmark-queries.ts, run as streaming queries over the
 * `nexmark` source, against their plain-JS references over the same generated events.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  bidsOf,
  countChar,
  NEXMARK_QUERIES,
  type NexmarkQuery,
  type QueryRow,
  q14,
  q21,
  q22,
} from '../../../bench/nexmark-queries.ts'
import { BID, type Bid, type NexmarkEvent, nexmarkEvents } from '../../../src/connectors/nexmark/index.ts'
import { BID_SCHEMA } from '../../../src/connectors/nexmark/nexmark-source-provider.ts'
import { type DataFrame, Sluice } from '../../../src/index.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const EVENTS = 20_000

const session = () =>
  Sluice.local({ 'sluice.streaming.stopOnSignal': false, 'sluice.sql.session.timeZone': 'UTC' })

/** Runs `df` to the end of its input (availableNow) with a checkpoint; returns every output row. */
async function runToEnd(df: DataFrame, checkpoint: string): Promise<QueryRow[]> {
  const rows: QueryRow[] = []
  const query = await df.writeStream
    .option('checkpointLocation', checkpoint)
    .trigger({ availableNow: true })
    .foreachBatch((batch) => {
      rows.push(...batch.collect())
    })
    .start()
  await query.awaitTermination()
  assert.equal(query.exception, null)
  return rows
}

/** Order-insensitive comparison: both sides as sorted JSON lines. */
function assertSameRows(actual: readonly QueryRow[], expected: readonly QueryRow[]): void {
  const lines = (rows: readonly QueryRow[]) => rows.map((r) => JSON.stringify(r)).sort()
  assert.equal(actual.length, expected.length)
  assert.deepEqual(lines(actual), lines(expected))
}

/** Runs `query` over a memory stream of these bids; returns its output. */
async function runOnBids(query: NexmarkQuery, bids: readonly Bid[]): Promise<QueryRow[]> {
  const sluice = session()
  const input = sluice.memoryStream(BID_SCHEMA)
  input.addData(...bids)
  return withTempDir((dir) => runToEnd(query.run(input.toDF()), join(dir, 'ckpt')))
}

const asEvents = (bids: readonly Bid[]): NexmarkEvent[] =>
  bids.map((bid) => ({ type: BID, bid, dateTime: bid.dateTime }))

const bid = (over: Partial<Bid>): Bid => ({
  auction: 1000,
  bidder: 1001,
  price: 100,
  channel: 'Google',
  url: 'https://www.nexmark.com/a/b/c/item.htm?query=1',
  dateTime: 0,
  extra: '',
  ...over,
})

describe('stateless Nexmark queries over the nexmark source', () => {
  const expectedCounts: Readonly<Record<string, (bids: number) => boolean>> = {
    q0: (n) => n === (EVENTS * 46) / 50,
    q1: (n) => n === (EVENTS * 46) / 50,
    q2: (n) => n > 0 && n < 200,
    q14: (n) => n > 1000,
    q21: (n) => n > 15_000 && n < (EVENTS * 46) / 50,
    q22: (n) => n === (EVENTS * 46) / 50,
  }
  for (const query of Object.values(NEXMARK_QUERIES)) {
    it(`${query.name} over ${EVENTS} events equals its reference computation`, () =>
      withTempDir(async (dir) => {
        const bids = session()
          .readStream.format('nexmark')
          .options({ events: EVENTS, view: 'bid', eventsPerBatch: 6000 })
          .load()
        const actual = await runToEnd(query.run(bids), join(dir, 'ckpt'))
        const expected = query.reference(nexmarkEvents({ maxEvents: EVENTS }))
        assert.ok(expectedCounts[query.name](expected.length), `${expected.length} reference rows`)
        assertSameRows(actual, expected)
      }))
  }
})

describe('q14 calculation', () => {
  it('classifies bids at every hour of the day (UTC) as day, night or other time', async () => {
    // The generator at its default rate covers 2 s of event time: spread real bids over two days.
    const bids = [...bidsOf(nexmarkEvents({ maxEvents: 3000 }))].map((b, i) => ({
      ...b,
      dateTime: b.dateTime + i * 61_000,
    }))
    const expected = q14.reference(asEvents(bids))
    const kinds = new Set(expected.map((r) => r.bidTimeType))
    assert.deepEqual([...kinds].sort(), ['dayTime', 'nightTime', 'otherTime'])
    assertSameRows(await runOnBids(q14, bids), expected)
  })

  it("counts the bytes equal to the first byte of the character, as Flink's count_char", () => {
    assert.equal(countChar('occurrence', 'c'), 3)
    assert.equal(countChar('', 'c'), 0)
    assert.equal(countChar(null, 'c'), 0)
    assert.equal(countChar('cab', 'cz'), 1)
    // 'é' is C3 A9 in UTF-8: 'é' and 'ã' (C3 A3) share the first byte.
    assert.equal(countChar('éã', 'é'), 2)
  })
})

describe('q21 add channel id', () => {
  it('maps hot channels in any case, extracts channel_id otherwise, and drops bids without one', async () => {
    const bids = [
      bid({ auction: 1, channel: 'APPLE', url: 'https://x/y' }),
      bid({ auction: 2, channel: 'baidu' }),
      bid({ auction: 3, channel: 'channel-5', url: 'https://x/item.htm?query=1&channel_id=77&b=2' }),
      bid({ auction: 4, channel: 'channel-6', url: 'channel_id=9' }),
      bid({ auction: 5, channel: 'channel-7', url: 'https://x/item.htm?query=1' }),
      bid({ auction: 6, channel: 'channel-8', url: 'https://x/item.htm?my_channel_id=3' }),
      bid({ auction: 7, channel: 'channel-9', url: 'https://x/item.htm?query=1&channel_id=' }),
    ]
    const actual = await runOnBids(q21, bids)
    assert.deepEqual(actual.map((r) => [r.auction, r.channel_id]).sort(), [
      [1, '0'],
      [2, '3'],
      [3, '77'],
      [4, '9'],
      // A match with an empty group is an empty id, not NULL (Flink's REGEXP_EXTRACT too).
      [7, ''],
    ])
    assertSameRows(actual, q21.reference(asEvents(bids)))
  })
})

describe('q22 URL directories', () => {
  it("takes Flink's 0-based SPLIT_INDEX 3, 4, 5 (element_at 4, 5, 6), NULL past the last field", async () => {
    const bids = [
      bid({ auction: 1, url: 'https://www.nexmark.com/a/b/c/item.htm?query=1' }),
      bid({ auction: 2, url: 'https://x/y' }),
      bid({ auction: 3, url: 'https://x//z/' }),
    ]
    const actual = await runOnBids(q22, bids)
    assert.deepEqual(actual.map((r) => [r.auction, r.dir1, r.dir2, r.dir3]).sort(), [
      [1, 'a', 'b', 'c'],
      [2, 'y', null, null],
      [3, '', 'z', ''],
    ])
    assertSameRows(actual, q22.reference(asEvents(bids)))
  })
})
