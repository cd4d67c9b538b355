/**
 * Person / Auction / Bid synthesis for one event id (shared BENCH.md; Beam's PersonGenerator,
 * AuctionGenerator, BidGenerator, PriceGenerator). Every random draw is made in Beam's order from a
 * JavaRandom seeded with the event id, so Person and Auction fields other than `extra` are Beam's
 * values exactly. Bids add Flink's channel/url draws after the price.
 */
import type { GeneratorConfig } from './config.ts'
import {
  AUCTION_ID_LEAD,
  AUCTION_PROPORTION,
  type Auction,
  type Bid,
  CHANNELS_NUMBER,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_NAMES,
  FIRST_PERSON_ID,
  HOT_BATCH,
  HOT_CHANNELS,
  LAST_NAMES,
  NUM_CATEGORIES,
  PERSON_ID_LEAD,
  PERSON_PROPORTION,
  type Person,
  PROPORTION_DENOMINATOR,
  US_CITIES,
  US_STATES,
} from './model.ts'
import { type JavaRandom, nextLongBelow } from './random.ts'
import { channelName, channelUrl, HOT_URLS, nextExtra, nextString } from './strings.ts'

/**
 * Last person id (base 0, before +1000) created at or before `eventId`: floor(eventId / 50).
 * @example lastBase0PersonId(149) // 2
 */
export function lastBase0PersonId(eventId: number): number {
  const epoch = Math.floor(eventId / PROPORTION_DENOMINATOR)
  const offset = eventId - epoch * PROPORTION_DENOMINATOR
  return epoch * PERSON_PROPORTION + (offset >= PERSON_PROPORTION ? PERSON_PROPORTION - 1 : offset)
}

/**
 * Last auction id (base 0) created at or before `eventId`: with e = floor(id/50), o = id % 50:
 * o < 1 → (e-1)*3 + 2; o >= 4 → e*3 + 2; else e*3 + (o-1).
 * @example lastBase0AuctionId(52) // 4
 */
export function lastBase0AuctionId(eventId: number): number {
  let epoch = Math.floor(eventId / PROPORTION_DENOMINATOR)
  let offset = eventId - epoch * PROPORTION_DENOMINATOR
  if (offset < PERSON_PROPORTION) {
    epoch--
    offset = AUCTION_PROPORTION - 1
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
    offset = AUCTION_PROPORTION - 1
  } else {
    offset -= PERSON_PROPORTION
  }
  return epoch * AUCTION_PROPORTION + offset
}

/** A recently active person, possibly up to PERSON_ID_LEAD not yet created (Beam's nextBase0PersonId). */
function nextBase0PersonId(eventId: number, random: JavaRandom, config: GeneratorConfig): number {
  const numPeople = lastBase0PersonId(eventId) + 1
  const active = Math.min(numPeople, config.options.numActivePeople)
  return numPeople - active + nextLongBelow(random, active + PERSON_ID_LEAD)
}

/** An auction likely still open, or up to AUCTION_ID_LEAD not yet created (Beam's nextBase0AuctionId). */
function nextBase0AuctionId(eventId: number, random: JavaRandom, config: GeneratorConfig): number {
  const maxAuction = lastBase0AuctionId(eventId)
  const minAuction = Math.max(maxAuction - config.options.numInFlightAuctions, 0)
  return minAuction + nextLongBelow(random, maxAuction - minAuction + 1 + AUCTION_ID_LEAD)
}

/**
 * Log-uniform price in cents from 100 to 1e8: round(10^(U*6) * 100) (Beam's PriceGenerator).
 * @example nextPrice(new JavaRandom(0)) // 2431122 (as Java)
 */
export function nextPrice(random: JavaRandom): number {
  return Math.round(10 ** (random.nextDouble() * 6) * 100)
}

function creditCard(random: JavaRandom): string {
  let s = ''
  for (let i = 0; i < 4; i++) {
    if (i > 0) s += ' '
    s += String(random.nextIntBounded(10000)).padStart(4, '0')
  }
  return s
}

/**
 * The person of `eventId` (an id with eventId % 50 < 1), `random` freshly seeded with eventId.
 * @example nextPerson(50, new JavaRandom(50), 0, new GeneratorConfig()).id // 1001
 */
export function nextPerson(
  eventId: number,
  random: JavaRandom,
  dateTime: number,
  config: GeneratorConfig,
): Person {
  const id = lastBase0PersonId(eventId) + FIRST_PERSON_ID
  const first = FIRST_NAMES[random.nextIntBounded(FIRST_NAMES.length)]
  const name = `${first} ${LAST_NAMES[random.nextIntBounded(LAST_NAMES.length)]}`
  const emailAddress = `${nextString(random, 7)}@${nextString(random, 5)}.com`
  const card = creditCard(random)
  const city = US_CITIES[random.nextIntBounded(US_CITIES.length)]
  const state = US_STATES[random.nextIntBounded(US_STATES.length)]
  const size = 8 + name.length + emailAddress.length + card.length + city.length + state.length
  const extra = nextExtra(random, size, config.options.avgPersonByteSize)
  return { id, name, emailAddress, creditCard: card, city, state, dateTime, extra }
}

/** Auction length in ms: 1 + rand(max(2H, 1)), H = time until ~numInFlightAuctions more auctions. */
function nextAuctionLengthMs(
  count: number,
  random: JavaRandom,
  dateTime: number,
  config: GeneratorConfig,
): number {
  const current = config.adjustedEventNumber(count)
  const horizonMs = config.timestampForEvent(current + config.auctionHorizonEvents) - dateTime
  return 1 + nextLongBelow(random, Math.max(horizonMs * 2, 1))
}

/**
 * The auction of `eventId` (eventId % 50 in [1, 4)); `count` is how many events this generator
 * yielded before it (the expiry horizon is measured from its adjusted event number).
 * @example nextAuction(0, 2, new JavaRandom(2), 0, new GeneratorConfig()).id // 1001
 */
export function nextAuction(
  count: number,
  eventId: number,
  random: JavaRandom,
  dateTime: number,
  config: GeneratorConfig,
): Auction {
  const id = lastBase0AuctionId(eventId) + FIRST_AUCTION_ID
  let seller: number
  if (random.nextIntBounded(config.options.hotSellersRatio) > 0) {
    seller = Math.floor(lastBase0PersonId(eventId) / HOT_BATCH) * HOT_BATCH
  } else {
    seller = nextBase0PersonId(eventId, random, config)
  }
  seller += FIRST_PERSON_ID
  const category = FIRST_CATEGORY_ID + random.nextIntBounded(NUM_CATEGORIES)
  const initialBid = nextPrice(random)
  const expires = dateTime + nextAuctionLengthMs(count, random, dateTime, config)
  const itemName = nextString(random, 20)
  const description = nextString(random, 100)
  const reserve = initialBid + nextPrice(random)
  const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8
  const extra = nextExtra(random, size, config.options.avgAuctionByteSize)
  return { id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra }
}

/**
 * The bid of `eventId` (eventId % 50 >= 4). The bidder id gets FIRST_PERSON_ID added once, as in
 * Beam, so bidders join to Person.id (nexmark-flink adds it twice since 8ff9866: +2000).
 * @example nextBid(7, new JavaRandom(7), 0, new GeneratorConfig()).auction // in [1000, 1012]
 */
export function nextBid(eventId: number, random: JavaRandom, dateTime: number, config: GeneratorConfig): Bid {
  const o = config.options
  let auction: number
  if (random.nextIntBounded(o.hotAuctionRatio) > 0) {
    auction = Math.floor(lastBase0AuctionId(eventId) / HOT_BATCH) * HOT_BATCH
  } else {
    auction = nextBase0AuctionId(eventId, random, config)
  }
  auction += FIRST_AUCTION_ID
  let bidder: number
  if (random.nextIntBounded(o.hotBiddersRatio) > 0) {
    // The second person of the batch, so hot bidders and hot sellers differ.
    bidder = Math.floor(lastBase0PersonId(eventId) / HOT_BATCH) * HOT_BATCH + 1
  } else {
    bidder = nextBase0PersonId(eventId, random, config)
  }
  bidder += FIRST_PERSON_ID
  const price = nextPrice(random)
  let channel: string
  let url: string
  if (random.nextIntBounded(2) > 0) {
    const h = random.nextIntBounded(HOT_CHANNELS.length)
    channel = HOT_CHANNELS[h]
    url = HOT_URLS[h]
  } else {
    const i = random.nextIntBounded(CHANNELS_NUMBER)
    channel = channelName(i)
    url = channelUrl(i)
  }
  // Flink's fixed size: auction, bidder, price, dateTime (channel and url are not counted).
  const extra = nextExtra(random, 8 + 8 + 8 + 8, o.avgBidByteSize)
  return { auction, bidder, price, channel, url, dateTime, extra }
}
