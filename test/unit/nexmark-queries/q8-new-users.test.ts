/**
 * Nexmark q8 (monitor new users, bench/nexmark-q8.ts): Sluice's one-aggregation form over every
 * event against the hand loop's per-window join of persons and sellers, batch by batch.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { HandLoop } from '../../../bench/nexmark-hand-loop.ts'
import { q8 } from '../../../bench/nexmark-q8.ts'
import type { QueryRow } from '../../../bench/nexmark-queries.ts'
import {
  AUCTION,
  type Auction,
  BID,
  type Bid,
  type NexmarkEvent,
  nexmarkEvents,
  PERSON,
  type Person,
  parallelConfigs,
} from '../../../src/connectors/nexmark/index.ts'
import { EVENT_SCHEMA } from '../../../src/connectors/nexmark/nexmark-source-provider.ts'
import { type DataFrame, Sluice } from '../../../src/index.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const EVENTS = 20_000
const PER_BATCH = 5_000
// 250 events per second of event time: 20,000 events span 80 s, so most 10 s windows close.
const RATE = 250

const session = () =>
  Sluice.local({ 'sluice.streaming.stopOnSignal': false, 'sluice.sql.session.timeZone': 'UTC' })

/** Runs `df` to the end of its input (availableNow, append); returns each batch's rows. */
async function runBatches(df: DataFrame, checkpoint: string): Promise<QueryRow[][]> {
  const batches: QueryRow[][] = []
  const query = await df.writeStream
    .outputMode(q8.outputMode)
    .option('checkpointLocation', checkpoint)
    .trigger({ availableNow: true })
    .foreachBatch((batch) => void batches.push(batch.collect()))
    .start()
  await query.awaitTermination()
  assert.equal(query.exception, null)
  return batches
}

/** A row as JSON with its keys sorted. */
const canonical = (row: QueryRow): string =>
  JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1))))
const sorted = (rows: readonly QueryRow[]) => rows.map(canonical).sort()

/** The hand loop's rows per batch of `batches`, then its no-data batch's. */
function handLoopBatches(loop: HandLoop, batches: readonly Iterable<NexmarkEvent>[]): QueryRow[][] {
  return [...batches.map((events) => loop.batch(events, 0)), loop.final(0)]
}

describe('q8 over the generated stream', () => {
  it("emits, batch by batch, the hand loop's join of each closed window's persons and sellers", () =>
    withTempDir(async (dir) => {
      const sluice = session()
      const events = sluice.readStream
        .format('nexmark')
        .options({ events: EVENTS, eventsPerBatch: PER_BATCH, rate: RATE })
        .load()
      const actual = await runBatches(q8.run(events, sluice), join(dir, 'ckpt'))
      const config = parallelConfigs({ maxEvents: EVENTS, firstEventRate: RATE, nextEventRate: RATE }, 1)[0]
      const cuts = [0, 1, 2, 3].map((b) => nexmarkEvents(config, b * PER_BATCH, (b + 1) * PER_BATCH))
      const expected = handLoopBatches(q8.handLoop(), cuts)
      assert.ok(expected.flat().length >= 10, `only ${expected.flat().length} new users: too few to compare`)
      // 4 data batches, then the no-data batch the final watermark runs.
      assert.equal(actual.length, expected.length)
      for (let i = 0; i < expected.length; i++) {
        assert.deepEqual(sorted(actual[i]), sorted(expected[i]), `batch ${i}`)
      }
      assert.deepEqual(Object.keys(actual.flat()[0] ?? {}), ['id', 'name', 'stime'])
    }))
})

const T0 = Date.UTC(2015, 6, 15)
const person = (id: number, name: string, dateTime: number): Person => ({
  id,
  name,
  emailAddress: 'a@b.com',
  creditCard: '1234 5678 9012 3456',
  city: 'Boise',
  state: 'ID',
  dateTime,
  extra: '',
})
const auction = (id: number, seller: number, dateTime: number): Auction => ({
  id,
  itemName: 'item',
  description: 'desc',
  initialBid: 1,
  reserve: 2,
  dateTime,
  expires: dateTime + 60_000,
  seller,
  category: 10,
  extra: '',
})
const bid = (bidder: number, dateTime: number): Bid => ({
  auction: 1000,
  bidder,
  price: 100,
  channel: 'Google',
  url: 'https://www.nexmark.com/a/b/c/item.htm?query=1',
  dateTime,
  extra: '',
})

/** The event of one entity, and its row in Flink's wire form (the other entities null). */
const ofPerson = (p: Person): NexmarkEvent => ({ type: PERSON, person: p, dateTime: p.dateTime })
const ofAuction = (a: Auction): NexmarkEvent => ({ type: AUCTION, auction: a, dateTime: a.dateTime })
const ofBid = (b: Bid): NexmarkEvent => ({ type: BID, bid: b, dateTime: b.dateTime })
const wireRow = (e: NexmarkEvent) => ({
  event_type: e.type,
  person: e.person ?? null,
  auction: e.auction ?? null,
  bid: e.bid ?? null,
  dateTime: e.dateTime,
})

/** Runs q8 over these events (one batch, then the no-data batch); returns all rows. */
async function runOnEvents(events: readonly NexmarkEvent[]): Promise<QueryRow[]> {
  const sluice = session()
  const input = sluice.memoryStream(EVENT_SCHEMA)
  input.addData(...events.map(wireRow))
  return withTempDir(async (dir) =>
    (await runBatches(q8.run(input.toDF(), sluice), join(dir, 'ckpt'))).flat(),
  )
}

describe('q8 monitor new users', () => {
  it('keeps a person only when they sell in the window they registered in, once per person', async () => {
    const events = [
      ofPerson(person(1, 'Ann', T0 + 1_000)),
      ofAuction(auction(10, 1, T0 + 2_000)),
      ofAuction(auction(11, 1, T0 + 9_999)),
      // Person 2 registers at the end of one window and sells in the next: no row.
      ofPerson(person(2, 'Bob', T0 + 9_000)),
      ofAuction(auction(12, 2, T0 + 10_000)),
      // A seller who registered in no window here, and a person who bids but sells nothing.
      ofAuction(auction(13, 3, T0 + 3_000)),
      ofPerson(person(4, 'Dee', T0 + 4_000)),
      ofBid(bid(4, T0 + 5_000)),
      // A bid a minute later does not move the watermark: the event_type filter runs below
      // withWatermark, as in Spark. A person a minute later does.
      ofBid(bid(9, T0 + 60_000)),
      ofPerson(person(9, 'Ida', T0 + 60_000)),
    ]
    const actual = await runOnEvents(events)
    assert.deepEqual(actual, [{ id: 1, name: 'Ann', stime: T0 }])
    const loop = q8.handLoop()
    assert.deepEqual(sorted(actual), sorted([...loop.batch(events, 0), ...loop.final(0)]))
  })

  it('leaves a window the watermark has not passed in state', async () => {
    const events = [ofPerson(person(1, 'Ann', T0 + 1_000)), ofAuction(auction(10, 1, T0 + 13_000))]
    assert.deepEqual(await runOnEvents(events), [])
  })
})
