import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import {
  localToUtc,
  parseOffsetSeconds,
  resolveZone,
  tryResolveZone,
  validateTimeZone,
  zoneOffsetMs,
} from '../../../../src/util/time/index.ts'

const u = Date.UTC
const H = 3_600_000

describe('zoneOffsetMs', () => {
  it('follows DST in Los Angeles and Berlin', () => {
    assert.equal(zoneOffsetMs(u(2024, 0, 15), 'America/Los_Angeles'), -8 * H)
    assert.equal(zoneOffsetMs(u(2024, 6, 15), 'America/Los_Angeles'), -7 * H)
    assert.equal(zoneOffsetMs(u(2024, 0, 15), 'Europe/Berlin'), H)
    assert.equal(zoneOffsetMs(u(2024, 6, 15), 'Europe/Berlin'), 2 * H)
  })

  it('switches at the exact transition instant', () => {
    // 2024-03-10 02:00 PST = 10:00 UTC; 2024-03-31 01:00 UTC in Berlin.
    assert.equal(zoneOffsetMs(u(2024, 2, 10, 10) - 1, 'America/Los_Angeles'), -8 * H)
    assert.equal(zoneOffsetMs(u(2024, 2, 10, 10), 'America/Los_Angeles'), -7 * H)
    assert.equal(zoneOffsetMs(u(2024, 2, 31, 1) - 1, 'Europe/Berlin'), H)
    assert.equal(zoneOffsetMs(u(2024, 2, 31, 1), 'Europe/Berlin'), 2 * H)
    assert.equal(zoneOffsetMs(u(2024, 10, 3, 9) - 1, 'America/Los_Angeles'), -7 * H)
    assert.equal(zoneOffsetMs(u(2024, 10, 3, 9), 'America/Los_Angeles'), -8 * H)
  })

  it('handles half-hour zones, historic local mean time and far-future instants', () => {
    assert.equal(zoneOffsetMs(0, 'Asia/Kolkata'), 5.5 * H)
    assert.equal(zoneOffsetMs(u(1850, 0, 1), 'America/Los_Angeles'), -(7 * H + 52 * 60_000 + 58_000))
    assert.equal(zoneOffsetMs(u(1000, 0, 1), 'Europe/Berlin'), 53 * 60_000 + 28_000)
    assert.equal(zoneOffsetMs(u(2200, 6, 1), 'America/Los_Angeles'), -7 * H)
    assert.equal(zoneOffsetMs(8.64e15 + 200 * 86_400_000, 'UTC'), 0)
  })

  it('uses fixed offsets in every accepted spelling', () => {
    assert.equal(zoneOffsetMs(0, '+01:00'), H)
    assert.equal(zoneOffsetMs(0, '-08:00'), -8 * H)
    assert.equal(zoneOffsetMs(0, 'Z'), 0)
    assert.equal(zoneOffsetMs(0, 'UTC+1'), H)
    assert.equal(zoneOffsetMs(0, 'GMT-05:30'), -5.5 * H)
    assert.equal(zoneOffsetMs(0, '+1:00'), H) // Spark rewrites +h: to +0h:
    assert.equal(zoneOffsetMs(0, '+0130'), 1.5 * H)
    assert.equal(zoneOffsetMs(0, 'EST'), -5 * H) // java.time SHORT_IDS: EST is fixed -05:00
    assert.equal(zoneOffsetMs(u(2024, 6, 1), 'PST'), -7 * H) // PST means America/Los_Angeles
  })
})

describe('zone IDs', () => {
  it('prints IDs the way java.time does', () => {
    assert.equal(resolveZone('UTC+1').id, 'UTC+01:00')
    assert.equal(resolveZone('+1:00').id, '+01:00')
    assert.equal(resolveZone('+00:00').id, 'Z')
    assert.equal(resolveZone('GMT+0').id, 'GMT')
    assert.equal(resolveZone('PST').id, 'America/Los_Angeles')
    assert.equal(resolveZone('Europe/Berlin').id, 'Europe/Berlin')
  })

  it('parses offset IDs like ZoneOffset.of', () => {
    assert.equal(parseOffsetSeconds('+05:30'), 19800)
    assert.equal(parseOffsetSeconds('-8'), -28800)
    assert.equal(parseOffsetSeconds('+013015'), 5415)
    assert.equal(parseOffsetSeconds('+18:00'), 64800)
    assert.ok(Number.isNaN(parseOffsetSeconds('+18:01')))
    assert.ok(Number.isNaN(parseOffsetSeconds('+1:00')))
    assert.ok(Number.isNaN(parseOffsetSeconds('01:00')))
  })

  it('rejects unknown zones, wrong case and malformed offsets', () => {
    for (const bad of [
      'Mars/Olympus',
      'america/los_angeles',
      'utc',
      '+19:00',
      'GMT+25',
      'UTC+1:0x',
      '',
      'z',
      '+ 01:00',
    ]) {
      assert.equal(tryResolveZone(bad), null, bad)
    }
  })

  it('validateTimeZone throws INVALID_ARGUMENT naming the zone', () => {
    validateTimeZone('America/Los_Angeles')
    validateTimeZone('+05:30')
    assert.throws(
      () => validateTimeZone('Nowhere/Special'),
      (e: unknown) => isSluiceError(e, 'INVALID_ARGUMENT') && e.message.includes("'Nowhere/Special'"),
    )
    assert.throws(
      () => zoneOffsetMs(0, 'Bad/Zone'),
      (e: unknown) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
  })
})

describe('localToUtc (java.time ZonedDateTime.ofLocal)', () => {
  it('maps ordinary wall-clock times with the offset in force', () => {
    assert.equal(localToUtc(u(2024, 0, 15, 12), 'America/Los_Angeles'), u(2024, 0, 15, 20))
    assert.equal(localToUtc(u(2024, 6, 15, 12), 'Europe/Berlin'), u(2024, 6, 15, 10))
    assert.equal(localToUtc(u(1969, 11, 31, 23, 59, 59, 999), 'UTC'), -1)
  })

  it('moves a time in the spring-forward gap forward by the gap length', () => {
    // 02:30 does not exist in Los Angeles on 2024-03-10; java.time gives 03:30 PDT.
    assert.equal(localToUtc(u(2024, 2, 10, 2, 30), 'America/Los_Angeles'), u(2024, 2, 10, 10, 30))
    assert.equal(localToUtc(u(2024, 2, 10, 2, 0), 'America/Los_Angeles'), u(2024, 2, 10, 10, 0))
    assert.equal(localToUtc(u(2024, 2, 10, 3, 0), 'America/Los_Angeles'), u(2024, 2, 10, 10, 0))
    // 02:15 in Berlin on 2024-03-31 becomes 03:15 CEST.
    assert.equal(localToUtc(u(2024, 2, 31, 2, 15), 'Europe/Berlin'), u(2024, 2, 31, 1, 15))
  })

  it('picks the earlier offset for a time in the fall-back overlap', () => {
    // 01:30 happens twice in Los Angeles on 2024-11-03; java.time keeps PDT (-07:00).
    assert.equal(localToUtc(u(2024, 10, 3, 1, 30), 'America/Los_Angeles'), u(2024, 10, 3, 8, 30))
    assert.equal(localToUtc(u(2024, 10, 3, 2, 0), 'America/Los_Angeles'), u(2024, 10, 3, 10, 0))
    // 02:30 happens twice in Berlin on 2024-10-27; java.time keeps CEST (+02:00).
    assert.equal(localToUtc(u(2024, 9, 27, 2, 30), 'Europe/Berlin'), u(2024, 9, 27, 0, 30))
    assert.equal(localToUtc(u(2024, 9, 27, 3, 0), 'Europe/Berlin'), u(2024, 9, 27, 2, 0))
  })

  it('handles a whole skipped day (Samoa crossed the date line on 2011-12-30)', () => {
    assert.equal(localToUtc(u(2011, 11, 30, 12), 'Pacific/Apia'), u(2011, 11, 30, 22))
    assert.equal(localToUtc(u(2011, 11, 31, 12), 'Pacific/Apia'), u(2011, 11, 30, 22))
  })

  it('subtracts fixed offsets directly', () => {
    assert.equal(localToUtc(u(2024, 2, 10, 2, 30), '-08:00'), u(2024, 2, 10, 10, 30))
    assert.equal(localToUtc(0, '+05:30'), -5.5 * H)
  })
})
