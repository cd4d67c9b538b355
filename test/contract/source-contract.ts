/**
 * The contract every streaming source keeps (DESIGN §3): the same rows for the same (start, end]
 * — on repeated calls and from a fresh source given the same offsets —, offsets that survive the
 * offsets log (JSON), a latest offset that never moves back, and a `maxRows` limit respected where
 * the source supports one. A connector's test calls `sourceContract` with a harness.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Offset, READ_ALL, type Source } from '../../src/connectors/spi.ts'
import type { StructType } from '../../src/schema/data-type.ts'

export interface SourceContractOptions {
  /** Whether a fresh source re-reads the same offsets (default true; false for the socket source, as in Spark). */
  readonly replayable?: boolean
  /** Whether `latestOffset` honours `{ kind: 'maxRows' }` (default false). */
  readonly supportsMaxRows?: boolean
}

export interface SourceHarness {
  /** The source's schema: every row must have one value per field. */
  readonly schema: StructType
  /** A new source over the same data and configuration as every other source of this harness. */
  create(): Source | Promise<Source>
  /** Makes more data available to the harness's sources (add rows, advance the clock, send lines). */
  produce(): Promise<void>
  /** Releases what the harness holds (servers, sockets). */
  close?(): Promise<void>
}

const roundTrip = (o: Offset): Offset => JSON.parse(JSON.stringify(o))

/** Runs `fn` against a fresh harness and always closes it. */
async function withHarness(
  make: () => SourceHarness | Promise<SourceHarness>,
  fn: (h: SourceHarness, sources: Source[]) => Promise<void>,
): Promise<void> {
  const h = await make()
  const sources: Source[] = []
  try {
    await fn(h, sources)
  } finally {
    for (const s of sources) await s.stop()
    await h.close?.()
  }
}

async function open(h: SourceHarness, sources: Source[]): Promise<Source> {
  const s = await h.create()
  sources.push(s)
  return s
}

/** Two batches of data: returns the initial offset and the latest after each batch of data. */
async function twoBatches(h: SourceHarness, s: Source): Promise<[Offset, Offset, Offset]> {
  const o0 = await s.initialOffset()
  await h.produce()
  const o1 = await s.latestOffset(o0, READ_ALL)
  await h.produce()
  const o2 = await s.latestOffset(o1, READ_ALL)
  return [o0, o1, o2]
}

/**
 * Registers the source contract's tests for one connector.
 *
 * @example
 * sourceContract('rate', () => ({ schema: RATE_SCHEMA, create: () => ..., produce: async () => clock.advance(1000) }))
 */
export function sourceContract(
  name: string,
  make: () => SourceHarness | Promise<SourceHarness>,
  opts: SourceContractOptions = {},
): void {
  const { replayable = true, supportsMaxRows = false } = opts
  describe(`${name} source contract`, () => {
    it('reads the same rows for the same (start, end] on repeated calls', () =>
      withHarness(make, async (h, sources) => {
        const s = await open(h, sources)
        const [o0, o1, o2] = await twoBatches(h, s)
        const first = await s.getBatch(o0, o2)
        assert.ok(first.length > 0, 'the harness produced no rows')
        assert.deepEqual(await s.getBatch(o0, o2), first)
        // Only the count must add up: a source may lay out a longer range differently (the rate
        // source spreads timestamps over the whole range, and orders rows by partition).
        const parts = (await s.getBatch(o0, o1)).length + (await s.getBatch(o1, o2)).length
        assert.equal(parts, first.length)
        for (const row of first) assert.equal(row.length, h.schema.fields.length)
      }))

    it('reads nothing for an empty range', () =>
      withHarness(make, async (h, sources) => {
        const s = await open(h, sources)
        const [, o1] = await twoBatches(h, s)
        assert.deepEqual(await s.getBatch(o1, o1), [])
      }))

    it('keeps offsets unchanged through JSON and reads the same rows with round-tripped offsets', () =>
      withHarness(make, async (h, sources) => {
        const s = await open(h, sources)
        const [o0, o1, o2] = await twoBatches(h, s)
        for (const o of [o0, o1, o2]) assert.deepEqual(roundTrip(o), o)
        assert.deepEqual(await s.getBatch(roundTrip(o1), roundTrip(o2)), await s.getBatch(o1, o2))
      }))

    it('reads the same rows from a fresh source given the same offsets', { skip: !replayable }, () =>
      withHarness(make, async (h, sources) => {
        const s = await open(h, sources)
        const [o0, o1, o2] = await twoBatches(h, s)
        const expected = await s.getBatch(o0, o2)
        const fresh = await open(h, sources)
        assert.deepEqual(await fresh.getBatch(roundTrip(o0), roundTrip(o2)), expected)
        assert.deepEqual(await fresh.getBatch(roundTrip(o1), roundTrip(o2)), await s.getBatch(o1, o2))
      }),
    )

    it('never moves the latest offset backwards', () =>
      withHarness(make, async (h, sources) => {
        const s = await open(h, sources)
        const o0 = await s.initialOffset()
        await h.produce()
        const l1 = await s.latestOffset(o0, READ_ALL)
        const again = await s.latestOffset(o0, READ_ALL)
        const rows1 = await s.getBatch(o0, l1)
        assert.ok((await s.getBatch(o0, again)).length >= rows1.length, 'a second call offered less data')
        await h.produce()
        const l2 = await s.latestOffset(l1, READ_ALL)
        assert.notDeepEqual(l2, l1, 'new data did not move the latest offset forward')
        const more = await s.getBatch(l1, l2)
        assert.ok(more.length > 0, 'new data gave no rows')
        assert.equal((await s.getBatch(o0, l2)).length, rows1.length + more.length)
      }))

    it('respects a maxRows read limit', { skip: !supportsMaxRows }, () =>
      withHarness(make, async (h, sources) => {
        const s = await open(h, sources)
        const o0 = await s.initialOffset()
        await h.produce()
        await h.produce()
        const end = await s.latestOffset(o0, { kind: 'maxRows', maxRows: 2 })
        const rows = await s.getBatch(o0, end)
        assert.ok(rows.length > 0 && rows.length <= 2, `got ${rows.length} rows for maxRows 2`)
      }),
    )
  })
}
