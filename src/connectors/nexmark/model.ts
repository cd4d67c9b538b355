/**
 * The Nexmark data model (shared BENCH.md, "Nexmark data model and generator"): one interleaved
 * stream whose events are each exactly one Person, Auction or Bid. Field names follow Flink's
 * Kafka/JSON form; timestamps are epoch milliseconds (UTC) and ids are JS numbers (exact: every id
 * the generator can produce stays below 2^53).
 */

/** A new person registering (event_type 0). */
export interface Person {
  id: number
  name: string
  emailAddress: string
  creditCard: string
  city: string
  state: string
  dateTime: number
  extra: string
}

/** A new auction opening (event_type 1); `seller` references Person.id. */
export interface Auction {
  id: number
  itemName: string
  description: string
  initialBid: number
  reserve: number
  dateTime: number
  expires: number
  seller: number
  category: number
  extra: string
}

/** A bid on an auction (event_type 2); `auction` references Auction.id, `bidder` Person.id. */
export interface Bid {
  auction: number
  bidder: number
  price: number
  channel: string
  url: string
  dateTime: number
  extra: string
}

/** 0 = Person, 1 = Auction, 2 = Bid (Flink's model/Event.java). */
export type NexmarkEventType = 0 | 1 | 2

export const PERSON = 0
export const AUCTION = 1
export const BID = 2

/** One event: exactly one of person / auction / bid is set; `dateTime` is that entity's. */
export interface NexmarkEvent {
  type: NexmarkEventType
  person?: Person
  auction?: Auction
  bid?: Bid
  dateTime: number
}

/** Ids start here so that queries find matches even on tiny runs (Beam's FIRST_*_ID). */
export const FIRST_PERSON_ID = 1000
export const FIRST_AUCTION_ID = 1000
export const FIRST_CATEGORY_ID = 10
export const NUM_CATEGORIES = 5

/** person : auction : bid = 1 : 3 : 46 in every block of 50 event ids. */
export const PERSON_PROPORTION = 1
export const AUCTION_PROPORTION = 3
export const BID_PROPORTION = 46
export const PROPORTION_DENOMINATOR = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION

/** Ids a bid or auction may reference beyond the last created one (Beam's *_ID_LEAD). */
export const PERSON_ID_LEAD = 10
export const AUCTION_ID_LEAD = 10
/** Hot sellers / bidders / auctions are the first of each batch of this many ids. */
export const HOT_BATCH = 100

export const US_STATES: readonly string[] = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY']
export const US_CITIES: readonly string[] = [
  'Phoenix',
  'Los Angeles',
  'San Francisco',
  'Boise',
  'Portland',
  'Bend',
  'Redmond',
  'Seattle',
  'Kent',
  'Cheyenne',
]
export const FIRST_NAMES: readonly string[] = [
  'Peter',
  'Paul',
  'Luke',
  'John',
  'Saul',
  'Vicky',
  'Kate',
  'Julie',
  'Sarah',
  'Deiter',
  'Walter',
]
export const LAST_NAMES: readonly string[] = [
  'Shultz',
  'Abrams',
  'Spencer',
  'White',
  'Bartels',
  'Walton',
  'Smith',
  'Jones',
  'Noris',
]
export const HOT_CHANNELS: readonly string[] = ['Google', 'Facebook', 'Baidu', 'Apple']
/** Non-hot bids pick `channel-i` with i uniform in [0, CHANNELS_NUMBER). */
export const CHANNELS_NUMBER = 10_000
