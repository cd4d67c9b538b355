/**
 * The deterministic Nexmark event stream (shared BENCH.md "Generator algorithm"; Beam's Generator).
 * Event i of a generator (i = how many it yielded before) depends only on the config and i:
 * its event number is firstEventNumber + i, shuffled within out-of-order groups; its id is
 * firstEventId + that adjusted number and seeds a java.util.Random for every field; its type is
 * id % 50 (< 1 person, < 4 auction, else bid); its time is the rate-derived timestamp of the
 * adjusted number. So any range can be regenerated without replaying what came before.
 */

import { SluiceError } from '../../errors.ts'
import { GeneratorConfig, type NexmarkOptions } from './config.ts'
import { nextAuction, nextBid, nextPerson } from './entities.ts'
import {
  AUCTION,
  AUCTION_PROPORTION,
  BID,
  type NexmarkEvent,
  PERSON,
  PERSON_PROPORTION,
  PROPORTION_DENOMINATOR,
} from './model.ts'
import { JavaRandom } from './random.ts'

// Generation is synchronous, so one re-seeded Random serves every call.
const random = new JavaRandom(0)

function toConfig(config: GeneratorConfig | Partial<NexmarkOptions>): GeneratorConfig {
  return config instanceof GeneratorConfig ? config : new GeneratorConfig(config)
}

function checkIndex(config: GeneratorConfig, index: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index > config.maxEvents) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `Nexmark ${what} must be an integer in [0, ${config.maxEvents}], got ${String(index)}.`,
    )
  }
}

/**
 * The event yielded after `index` others by the generator of `config` (0-based; eventAt(c, 0) is
 * the first). Pure: the same config and index always give an equal event.
 * @example eventAt(new GeneratorConfig(), 0).type // 1 (id 2: an auction, with the defaults)
 */
export function eventAt(config: GeneratorConfig, index: number): NexmarkEvent {
  if (!Number.isInteger(index) || index < 0 || index >= config.maxEvents) {
    throw new SluiceError(
      'INVALID_ARGUMENT',
      `Nexmark event index must be an integer in [0, ${config.maxEvents}), got ${String(index)}.`,
    )
  }
  const adjusted = config.adjustedEventNumber(index)
  const eventId = config.firstEventId + adjusted
  const dateTime = config.timestampForEvent(adjusted)
  random.setSeed(eventId)
  const rem = eventId % PROPORTION_DENOMINATOR
  if (rem < PERSON_PROPORTION) {
    const person = nextPerson(eventId, random, dateTime, config)
    return { type: PERSON, person, auction: undefined, bid: undefined, dateTime }
  }
  if (rem < PERSON_PROPORTION + AUCTION_PROPORTION) {
    const auction = nextAuction(index, eventId, random, dateTime, config)
    return { type: AUCTION, person: undefined, auction, bid: undefined, dateTime }
  }
  const bid = nextBid(eventId, random, dateTime, config)
  return { type: BID, person: undefined, auction: undefined, bid, dateTime }
}

/**
 * The events with index in [from, to) of the generator of `config` (default: all maxEvents of
 * them; an unbounded config yields practically forever). Accepts options in place of a config.
 * @example [...nexmarkEvents({ maxEvents: 100 })].length // 100
 */
export function* nexmarkEvents(
  config: GeneratorConfig | Partial<NexmarkOptions>,
  from = 0,
  to?: number,
): Generator<NexmarkEvent, void, undefined> {
  const c = toConfig(config)
  const end = to ?? c.maxEvents
  checkIndex(c, from, 'start index')
  checkIndex(c, end, 'end index')
  for (let i = from; i < end; i++) yield eventAt(c, i)
}

/**
 * Event id of the event at `index`: firstEventId + adjusted event number.
 * @example eventIdAt(new GeneratorConfig(), 0) // 2
 */
export function eventIdAt(config: GeneratorConfig, index: number): number {
  return config.firstEventId + config.adjustedEventNumber(index)
}

/**
 * Watermark hint at `index`: the timestamp no later event of this generator falls below,
 * ts(floor(eventNumber/G)*G).
 * @example watermarkAt(new GeneratorConfig({ baseTime: 0 }), 0) // 0
 */
export function watermarkAt(config: GeneratorConfig, index: number): number {
  return config.timestampForEvent(config.watermarkEventNumber(index))
}

/**
 * When, relative to the first emission, a rate-limited source should emit the event at `index`:
 * ts(eventNumber) - baseTime ms (Beam's wallclock offset; unthrottled sources ignore it).
 * @example emitOffsetMs(new GeneratorConfig(), 10_000) // 1000 (10,000 events/s)
 */
export function emitOffsetMs(config: GeneratorConfig, index: number): number {
  return config.timestampForEvent(config.eventNumber(index)) - config.baseTime
}
