import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  GeneratorConfig,
  NEXMARK_DEFAULTS,
  parallelConfigs,
} from '../../../../src/connectors/nexmark/config.ts'
import { eventAt, nexmarkEvents, watermarkAt } from '../../../../src/connectors/nexmark/generator.ts'
import { isSluiceError } from '../../../../src/errors.ts'

describe('GeneratorConfig defaults and validation', () => {
  it('uses BENCH.md defaults with a fixed base time', () => {
    const c = new GeneratorConfig()
    assert.equal(c.options.firstEventRate, 10_000)
    assert.equal(c.options.nextEventRate, 10_000)
    assert.equal(c.options.numEventGenerators, 1)
    assert.equal(c.options.outOfOrderGroupSize, 1)
    assert.deepEqual(
      [c.options.avgPersonByteSize, c.options.avgAuctionByteSize, c.options.avgBidByteSize],
      [200, 500, 100],
    )
    assert.deepEqual(
      [c.options.hotAuctionRatio, c.options.hotSellersRatio, c.options.hotBiddersRatio],
      [2, 4, 4],
    )
    assert.equal(c.options.numInFlightAuctions, 100)
    assert.equal(c.options.numActivePeople, 1000)
    assert.equal(c.firstEventId, 1)
    assert.equal(c.firstEventNumber, 1)
    assert.equal(c.baseTime, Date.parse('2015-07-15T00:00:00Z'))
    assert.equal(NEXMARK_DEFAULTS.maxEvents, 0)
  })

  it('treats maxEvents = 0 as Beam’s unbounded count Long.MAX / (50 * 500)', () => {
    assert.equal(new GeneratorConfig().maxEvents, 368934881474191)
    assert.equal(new GeneratorConfig({ maxEvents: 1234 }).maxEvents, 1234)
  })

  it('rejects unknown options and out-of-range values with INVALID_OPTION', () => {
    const bad: unknown[] = [
      { firstEventRate: 0 },
      { numEventGenerators: 1.5 },
      { outOfOrderGroupSize: 0 },
      { rateShape: 'triangle' },
      { evnts: 10 },
      { avgBidByteSize: 1 << 20 },
    ]
    for (const options of bad) {
      assert.throws(
        () => new GeneratorConfig(options as Record<string, number>),
        (e) => isSluiceError(e, 'INVALID_OPTION'),
        JSON.stringify(options),
      )
    }
  })
})

describe('event timestamps follow the rate', () => {
  it('spaces events 1e6/rate*generators µs apart: 1000 ev/s over 4 generators is 4 ms', () => {
    const c = new GeneratorConfig({
      firstEventRate: 1000,
      nextEventRate: 1000,
      numEventGenerators: 4,
      baseTime: 0,
    })
    assert.equal(c.interEventDelayUs, 4000)
    const times = [...nexmarkEvents(c, 0, 5)].map((e) => e.dateTime)
    // Event numbers start at firstEventNumber = 1.
    assert.deepEqual(times, [4, 8, 12, 16, 20])
  })

  it('advances event time 1 s per firstEventRate events at the default 10,000 ev/s', () => {
    const c = new GeneratorConfig({ maxEvents: 20_000 })
    assert.equal(eventAt(c, 9_999).dateTime - c.baseTime, 1000)
    assert.equal(eventAt(c, 0).dateTime, c.baseTime)
  })

  it('floors the µs product and then the ms division, as Java’s (long)(k * d) / 1000', () => {
    // Expected values printed by Java for d = 1e6 / rate * generators.
    const ks = [1, 2, 3, 5, 6, 7, 10, 11, 13, 100, 101]
    const at = (rate: number, gens: number) =>
      new GeneratorConfig({
        firstEventRate: rate,
        nextEventRate: rate,
        numEventGenerators: gens,
        baseTime: 0,
      })
    assert.deepEqual(
      ks.map((k) => at(3, 1).timestampForEvent(k)),
      [333, 666, 1000, 1666, 2000, 2333, 3333, 3666, 4333, 33333, 33666],
    )
    assert.deepEqual(
      ks.map((k) => at(7, 1).timestampForEvent(k)),
      [142, 285, 428, 714, 857, 1000, 1428, 1571, 1857, 14285, 14428],
    )
    assert.deepEqual(
      ks.map((k) => at(30_000, 1).timestampForEvent(k)),
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3],
    )
    assert.deepEqual(
      Array.from({ length: 12 }, (_, i) => at(7, 3).timestampForEvent(i + 1)),
      [428, 857, 1285, 1714, 2142, 2571, 3000, 3428, 3857, 4285, 4714, 5142],
    )
  })

  it('cycles a SQUARE shape through first and next rate, half the period each', () => {
    const c = new GeneratorConfig({
      firstEventRate: 1000,
      nextEventRate: 2000,
      ratePeriodSec: 2,
      baseTime: 0,
    })
    // Step 1: 1000 events 1 ms apart; step 2: 2000 events 0.5 ms apart; then the epoch repeats.
    assert.deepEqual(
      [999, 1000, 1001, 1002, 2999, 3000, 3001].map((k) => c.timestampForEvent(k)),
      [999, 1000, 1000, 1001, 1999, 2000, 2001],
    )
  })

  it('steps a SINE shape through 10 rates between first and next', () => {
    const c = new GeneratorConfig({
      firstEventRate: 1000,
      nextEventRate: 500,
      rateShape: 'sine',
      ratePeriodSec: 10,
      baseTime: 0,
    })
    // First step: rate 1000 for 1 s; the epoch ends after 10 s of event time.
    assert.equal(c.timestampForEvent(999), 999)
    assert.equal(c.timestampForEvent(1000), 1000)
    let events = 0
    while (c.timestampForEvent(events) < 10_000) events++
    assert.ok(events > 7000 && events < 8000, `events in one period: ${events}`)
  })
})

describe('out-of-order groups', () => {
  it('keeps event numbers in order with group size 1', () => {
    const c = new GeneratorConfig()
    assert.deepEqual(
      [0, 1, 2].map((i) => c.adjustedEventNumber(i)),
      [1, 2, 3],
    )
  })

  it('permutes event numbers within each group of G by (e*953) % G', () => {
    const c = new GeneratorConfig({ outOfOrderGroupSize: 10, firstEventNumber: 0, maxEvents: 1000 })
    for (let group = 0; group < 100; group++) {
      const adjusted = Array.from({ length: 10 }, (_, j) => c.adjustedEventNumber(group * 10 + j))
      assert.deepEqual(
        [...adjusted].sort((a, b) => a - b),
        Array.from({ length: 10 }, (_, j) => group * 10 + j),
      )
    }
    // e = 1 → 953 % 10 = 3.
    assert.equal(c.adjustedEventNumber(1), 3)
  })

  it('never puts an event before the watermark hint of its position', () => {
    const c = new GeneratorConfig({
      outOfOrderGroupSize: 37,
      firstEventRate: 100,
      nextEventRate: 100,
      maxEvents: 2000,
    })
    let i = 0
    let outOfOrder = 0
    let previous = -Infinity
    for (const e of nexmarkEvents(c)) {
      assert.ok(e.dateTime >= watermarkAt(c, i), `event ${i}`)
      if (e.dateTime < previous) outOfOrder++
      previous = e.dateTime
      i++
    }
    assert.ok(outOfOrder > 0, 'group size 37 shuffles event times')
  })
})

describe('split(n)', () => {
  it('gives disjoint firstEventId blocks of maxEvents/n with the same firstEventNumber', () => {
    const subs = new GeneratorConfig({ maxEvents: 100_000_000 }).split(8)
    assert.deepEqual(
      subs.map((c) => c.firstEventId),
      Array.from({ length: 8 }, (_, i) => 1 + i * 12_500_000),
    )
    assert.ok(subs.every((c) => c.maxEvents === 12_500_000 && c.firstEventNumber === 1))
  })

  it('gives the round-down remainder to the last generator', () => {
    const subs = new GeneratorConfig({ maxEvents: 10 }).split(3)
    assert.deepEqual(
      subs.map((c) => [c.firstEventId, c.maxEvents]),
      [
        [1, 3],
        [4, 3],
        [7, 4],
      ],
    )
    assert.deepEqual(
      new GeneratorConfig({ maxEvents: 2 }).split(3).map((c) => c.maxEvents),
      [0, 0, 2],
    )
  })

  it('splits the unbounded id space into blocks Long.MAX/(50*500)/n apart', () => {
    const subs = new GeneratorConfig().split(4)
    assert.equal(subs[1].firstEventId - subs[0].firstEventId, Math.floor(368934881474191 / 4))
  })

  it('parallelConfigs runs n timelines at an aggregate rate of firstEventRate', () => {
    const subs = parallelConfigs(
      { maxEvents: 100_000_000, firstEventRate: 10_000_000, nextEventRate: 10_000_000 },
      8,
    )
    assert.ok(subs.every((c) => c.options.numEventGenerators === 8))
    // 8 generators x 1.25M events each span 1 s of event time: 10M events per second in total.
    assert.equal(subs[3].timestampForEvent(1_250_000) - subs[3].baseTime, 1000)
    assert.equal(eventAt(subs[0], 0).dateTime, eventAt(subs[5], 0).dateTime)
  })

  it('gives generator i person ids from 1000 + i * 250,000 for 100M events over 8', () => {
    const subs = parallelConfigs({ maxEvents: 100_000_000 }, 8)
    const firstPerson = [...nexmarkEvents(subs[1], 0, 100)].find((e) => e.person)?.person
    assert.ok(firstPerson)
    assert.ok(firstPerson.id >= 251_000 && firstPerson.id <= 251_001, String(firstPerson.id))
  })
})
