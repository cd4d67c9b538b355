import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  BID,
  eventAt,
  GeneratorConfig,
  type NexmarkEvent,
  nexmarkEvents,
  parallelConfigs,
} from '../../../../src/connectors/nexmark/index.ts'
import type { NexmarkSource } from '../../../../src/connectors/nexmark/nexmark-source.ts'
import {
  AUCTION_SCHEMA,
  BID_SCHEMA,
  EVENT_SCHEMA,
  nexmarkSourceProvider,
  PERSON_SCHEMA,
} from '../../../../src/connectors/nexmark/nexmark-source-provider.ts'
import { isAvailableNowSource, READ_ALL, type Source } from '../../../../src/connectors/spi.ts'
import { isSluiceError, Sluice, simpleString } from '../../../../src/index.ts'
import { sourceContract } from '../../../contract/source-contract.ts'
import { withTempDir } from '../../../harness/temp-dir.ts'
import { sourceContext } from '../fake-context.ts'

const create = (options: Record<string, string>): NexmarkSource =>
  nexmarkSourceProvider.createSource(
    sourceContext(options),
    nexmarkSourceProvider.schema(options, undefined),
  ) as NexmarkSource

sourceContract(
  'nexmark (bid view)',
  () => ({
    schema: BID_SCHEMA,
    create: () => create({ events: '2000', eventsPerBatch: '300', view: 'bid' }),
    // Every event is there from the start: each latestOffset call hands out the next batch.
    produce: async () => {},
  }),
  // maxRows caps events, not rows (as maxOffsetsPerTrigger does): the first two events are
  // auctions, so maxRows 2 reads no bid. The all-events contract below checks the limit.
  { supportsMaxRows: false },
)

sourceContract(
  'nexmark (all events, 3 generators, out of order)',
  () => ({
    schema: EVENT_SCHEMA,
    create: () =>
      create({ events: '1000', eventsPerBatch: '120', generators: '3', outOfOrderGroupSize: '7' }),
    produce: async () => {},
  }),
  { supportsMaxRows: true },
)

const bidRows = (events: Iterable<NexmarkEvent>): unknown[][] => {
  const rows: unknown[][] = []
  for (const e of events) {
    if (e.type !== BID || e.bid === undefined) continue
    const b = e.bid
    rows.push([b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra])
  }
  return rows
}

describe('nexmark source schema', () => {
  const schemaOf = (view?: string) =>
    simpleString(
      nexmarkSourceProvider.schema(view === undefined ? { events: '1' } : { events: '1', view }, undefined),
    )

  it("gives the bid view BENCH.md's Bid columns", () => {
    assert.equal(
      schemaOf('bid'),
      'struct<auction:bigint,bidder:bigint,price:bigint,channel:string,url:string,dateTime:timestamp,extra:string>',
    )
  })

  it("gives the person and auction views BENCH.md's columns", () => {
    assert.equal(
      schemaOf('person'),
      'struct<id:bigint,name:string,emailAddress:string,creditCard:string,city:string,state:string,dateTime:timestamp,extra:string>',
    )
    assert.equal(
      schemaOf('AUCTION'),
      'struct<id:bigint,itemName:string,description:string,initialBid:bigint,reserve:bigint,dateTime:timestamp,' +
        'expires:timestamp,seller:bigint,category:bigint,extra:string>',
    )
  })

  it("gives Flink's wire form without a view: event_type, three entity structs, dateTime", () => {
    assert.deepEqual(nexmarkSourceProvider.schema({ events: '1' }, undefined), EVENT_SCHEMA)
    assert.deepEqual(
      EVENT_SCHEMA.fields.map((f) => [f.name, f.nullable]),
      [
        ['event_type', false],
        ['person', true],
        ['auction', true],
        ['bid', true],
        ['dateTime', false],
      ],
    )
    assert.deepEqual(
      EVENT_SCHEMA.fields.slice(1, 4).map((f) => f.type),
      [PERSON_SCHEMA, AUCTION_SCHEMA, BID_SCHEMA],
    )
  })
})

describe('nexmark source rows', () => {
  it('reads the bids among events start..end-1, as the generator makes them', async () => {
    const source = create({ events: '5000', view: 'bid' })
    const expected = bidRows(nexmarkEvents({ maxEvents: 5000 }, 1000, 3000))
    assert.deepEqual(await source.getBatch(1000, 3000), expected)
  })

  it('reads persons and auctions in the order of their entity columns', async () => {
    const config = new GeneratorConfig({ maxEvents: 200 })
    const persons = await create({ events: '200', view: 'person' }).getBatch(0, 200)
    const auctions = await create({ events: '200', view: 'auction' }).getBatch(0, 200)
    const events = [...nexmarkEvents(config)]
    assert.deepEqual(
      persons,
      events.flatMap((e) => (e.person === undefined ? [] : [Object.values(e.person)])),
    )
    assert.deepEqual(
      auctions,
      events.flatMap((e) => (e.auction === undefined ? [] : [Object.values(e.auction)])),
    )
    // Every 50 event ids hold 1 person and 3 auctions.
    assert.equal(persons.length, 4)
    assert.equal(auctions.length, 12)
  })

  it('tags every event with its type and leaves the other entities null without a view', async () => {
    const rows = await create({ events: '100' }).getBatch(0, 100)
    const config = new GeneratorConfig({ maxEvents: 100 })
    assert.equal(rows.length, 100)
    rows.forEach((row, i) => {
      const e = eventAt(config, i)
      assert.deepEqual(row, [e.type, e.person ?? null, e.auction ?? null, e.bid ?? null, e.dateTime])
    })
    assert.deepEqual(
      [0, 1, 2].map((type) => rows.filter((r) => r[0] === type).length),
      [2, 6, 92],
    )
  })

  it('interleaves the generators of parallelConfigs round-robin, the remainder last', async () => {
    const rows = await create({ events: '100', generators: '3' }).getBatch(0, 100)
    const gens = parallelConfigs({ maxEvents: 100 }, 3)
    assert.deepEqual(
      gens.map((g) => g.maxEvents),
      [33, 33, 34],
    )
    const expected = [
      ...Array.from({ length: 99 }, (_, k) => eventAt(gens[k % 3], Math.floor(k / 3))),
      eventAt(gens[2], 33),
    ]
    assert.deepEqual(
      rows.map((r) => r[4]),
      expected.map((e) => e.dateTime),
    )
    assert.deepEqual(
      rows.map((r) => r[0]),
      expected.map((e) => e.type),
    )
  })

  it('derives event time from the rate option', async () => {
    // 10 events/s of event time: event number 1 + k is stamped baseTime + (1 + k) * 100 ms.
    const rows = await create({ events: '30', rate: '10' }).getBatch(0, 30)
    const base = rows[0][4] as number
    rows.forEach((r, k) => {
      assert.equal(r[4], base + k * 100)
    })
  })
})

describe('nexmark source offsets', () => {
  it('counts events: starts at 0, moves eventsPerBatch at a time and stops at events', async () => {
    const source = create({ events: '250', eventsPerBatch: '100' })
    assert.equal(await source.initialOffset(), 0)
    assert.equal(await source.latestOffset(0, READ_ALL), 100)
    assert.equal(await source.latestOffset(200, READ_ALL), 250)
    assert.equal(await source.latestOffset(250, READ_ALL), 250)
    assert.equal(await source.latestOffset(0, { kind: 'maxRows', maxRows: 30 }), 30)
  })

  it('rejects an offset that is not a count of events', async () => {
    const source = create({ events: '10' })
    await assert.rejects(source.getBatch({ offset: 0 }, 5), (e: unknown) =>
      isSluiceError(e, 'CHECKPOINT_INCOMPATIBLE'),
    )
  })

  it('fixes the end at events under availableNow, and refuses an unbounded stream', async () => {
    const source: Source = create({ events: '250', eventsPerBatch: '1000' })
    assert.ok(isAvailableNowSource(source))
    await source.prepareForAvailableNow()
    assert.equal(await source.latestOffset(0, READ_ALL), 250)
    const unbounded = create({ events: '0' })
    await assert.rejects(
      unbounded.prepareForAvailableNow(),
      (e: unknown) => isSluiceError(e, 'UNSUPPORTED_OPERATION') && String(e).includes("'events'"),
    )
    // Unbounded is still a stream: it keeps handing out batches.
    assert.equal(await unbounded.latestOffset(10 ** 12, READ_ALL), 10 ** 12 + 100_000)
  })
})

describe('nexmark source options', () => {
  const rejects = (options: Record<string, string>, ...parts: string[]) =>
    assert.throws(
      () => nexmarkSourceProvider.validate(options),
      (e: unknown) => isSluiceError(e, 'INVALID_OPTION') && parts.every((p) => String(e).includes(p)),
    )

  it('names the option at fault', () => {
    rejects({}, "'events'", 'required')
    rejects({ events: '-1' }, "'-1'", "'events'")
    rejects({ events: 'many' }, "'many'", "'events'")
    rejects({ events: '10', rate: '0' }, "'rate'", 'positive')
    rejects({ events: '10', generators: '0' }, "'generators'", 'positive')
    rejects({ events: '10', outOfOrderGroupSize: '0' }, "'outOfOrderGroupSize'")
    rejects({ events: '10', eventsPerBatch: '0' }, "'eventsPerBatch'")
    rejects({ events: '10', view: 'bids' }, "'bids'", "'view'", "'bid'")
    rejects({ events: '10', view_: 'bid' }, "Unknown option 'view_'")
  })

  it('refuses a user schema', () => {
    assert.throws(
      () => nexmarkSourceProvider.schema({ events: '1' }, BID_SCHEMA),
      (e: unknown) => isSluiceError(e, 'UNSUPPORTED_OPERATION'),
    )
  })
})

/** Runs `format('nexmark')` with availableNow and returns each batch's rows. */
async function runAvailableNow(options: Record<string, string | number>, checkpoint: string) {
  const sluice = Sluice.local({
    'sluice.streaming.stopOnSignal': false,
    'sluice.sql.session.timeZone': 'UTC',
  })
  const batches: unknown[][] = []
  const query = await sluice.readStream
    .format('nexmark')
    .options(options)
    .load()
    .writeStream.option('checkpointLocation', checkpoint)
    .trigger({ availableNow: true })
    .foreachBatch((df) => {
      batches.push(df.collect().map((r) => Object.values(r)))
    })
    .start()
  await query.awaitTermination()
  return batches
}

describe('nexmark source in a streaming query', () => {
  it('delivers exactly the bids among the first `events` events under availableNow', () =>
    withTempDir(async (dir) => {
      const batches = await runAvailableNow(
        { events: 5000, view: 'bid', eventsPerBatch: 1200 },
        join(dir, 'ckpt'),
      )
      // 5000 events in batches of at most 1200 events.
      assert.equal(batches.length, 5)
      const rows = batches.flat()
      assert.equal(rows.length, (5000 * 46) / 50)
      assert.deepEqual(rows, bidRows(nexmarkEvents({ maxEvents: 5000 })))
    }))

  it('gives the same rows on two runs (deterministic)', () =>
    withTempDir(async (dir) => {
      const options = {
        events: 3000,
        generators: 2,
        outOfOrderGroupSize: 5,
        view: 'bid',
        eventsPerBatch: 700,
      }
      const first = await runAvailableNow(options, join(dir, 'a'))
      const second = await runAvailableNow(options, join(dir, 'b'))
      assert.deepEqual(second, first)
      assert.ok(first.flat().length > 2000)
    }))

  it('resumes after the last committed batch on a restart with the same checkpoint', () =>
    withTempDir(async (dir) => {
      const ckpt = join(dir, 'ckpt')
      const first = await runAvailableNow({ events: 1000, view: 'bid' }, ckpt)
      const again = await runAvailableNow({ events: 1000, view: 'bid' }, ckpt)
      assert.equal(first.flat().length, 920)
      assert.deepEqual(again, [])
    }))
})
