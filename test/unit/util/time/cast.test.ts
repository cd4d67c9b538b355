import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  castStringToDate,
  castStringToTimestamp,
  dateToString,
  daysFromCivil,
  timestampToString,
} from '../../../../src/util/time/index.ts'

const u = Date.UTC
const ts = (text: string, zone = 'UTC') => castStringToTimestamp(text, zone)

describe('castStringToTimestamp (Spark stringToTimestamp; answers from Spark 4 try_cast)', () => {
  it('accepts partial dates, defaulting to the first month/day at midnight', () => {
    assert.equal(ts('2024'), u(2024, 0, 1))
    assert.equal(ts('2024-01'), u(2024, 0, 1))
    assert.equal(ts('2024-1'), u(2024, 0, 1))
    assert.equal(ts('2024-01-15'), u(2024, 0, 15))
    assert.equal(ts('2024-1-5'), u(2024, 0, 5))
    assert.equal(ts('2024-01-15', 'America/Los_Angeles'), u(2024, 0, 15, 8))
  })

  it('accepts partial times after a space or T, and fractions up to microseconds', () => {
    assert.equal(ts('2024-01-15 10'), u(2024, 0, 15, 10))
    assert.equal(ts('2024-01-15 10:30'), u(2024, 0, 15, 10, 30))
    assert.equal(ts('2024-01-15T10:30:45'), u(2024, 0, 15, 10, 30, 45))
    assert.equal(ts('2024-1-5 1:2:3'), u(2024, 0, 5, 1, 2, 3))
    assert.equal(ts('2024-01-15 10:30:45.1'), u(2024, 0, 15, 10, 30, 45, 100))
    assert.equal(ts('2024-01-15 10:30:45.123456'), u(2024, 0, 15, 10, 30, 45, 123))
    assert.equal(ts('2024-01-15 10:30:45.1234567891'), u(2024, 0, 15, 10, 30, 45, 123))
    assert.equal(ts('2024-01-15 10:30:45.'), u(2024, 0, 15, 10, 30, 45))
  })

  it('ignores surrounding whitespace and control characters', () => {
    assert.equal(ts('  2024-01-15 10:30:45  '), u(2024, 0, 15, 10, 30, 45))
    assert.equal(ts('\t2024-01-15\n'), u(2024, 0, 15))
    assert.equal(ts('2024-01-15 '), u(2024, 0, 15))
  })

  it('lets a zone in the text win over the session zone', () => {
    const la = (text: string) => ts(text, 'America/Los_Angeles')
    assert.equal(la('2024-01-15 10:30:45Z'), u(2024, 0, 15, 10, 30, 45))
    assert.equal(la('2024-01-15 10:30:45.5Z'), u(2024, 0, 15, 10, 30, 45, 500))
    assert.equal(la('2024-01-15T10:30:45+01:00'), u(2024, 0, 15, 9, 30, 45))
    assert.equal(la('2024-01-15T10:30:45-08'), u(2024, 0, 15, 18, 30, 45))
    assert.equal(la('2024-01-15T10:30:45 +01:00'), u(2024, 0, 15, 9, 30, 45))
    assert.equal(la('2024-01-15 10:30:45+1:00'), u(2024, 0, 15, 9, 30, 45))
    assert.equal(la('2024-01-15 10:30:45 +0130'), u(2024, 0, 15, 9, 0, 45))
    assert.equal(la('2024-01-15 10:30:45 UTC'), u(2024, 0, 15, 10, 30, 45))
    assert.equal(la('2024-01-15 10:30:45UTC+01:00'), u(2024, 0, 15, 9, 30, 45))
    assert.equal(la('2024-01-15 10:30:45 GMT+1'), u(2024, 0, 15, 9, 30, 45))
    assert.equal(la('2024-01-15 10:30:45 Europe/Paris'), u(2024, 0, 15, 9, 30, 45))
    assert.equal(ts('2024-01-15 10:30:45 PST'), u(2024, 0, 15, 18, 30, 45))
    assert.equal(ts('2024-01-15 10:30:45.123 America/Los_Angeles'), u(2024, 0, 15, 18, 30, 45, 123))
  })

  it('accepts signed and wide years', () => {
    assert.equal(ts('+2024-01-15'), u(2024, 0, 15))
    assert.equal(ts('-0001-01-01'), daysFromCivil(-1, 1, 1) * 86_400_000)
    assert.equal(ts('0000-01-01'), daysFromCivil(0, 1, 1) * 86_400_000)
    assert.equal(ts('10000-01-01'), u(10000, 0, 1))
    assert.equal(ts('+10000-01-01 00:00:00'), u(10000, 0, 1))
  })

  it('resolves DST gaps and overlaps like java.time', () => {
    assert.equal(ts('2024-03-10 02:30:00', 'America/Los_Angeles'), u(2024, 2, 10, 10, 30))
    assert.equal(ts('2024-11-03 01:30:00', 'America/Los_Angeles'), u(2024, 10, 3, 8, 30))
    assert.equal(ts('2024-03-31 02:30:00', 'Europe/Berlin'), u(2024, 2, 31, 1, 30))
    assert.equal(ts('2024-10-27 02:30:00', 'Europe/Berlin'), u(2024, 9, 27, 0, 30))
  })

  it('keeps negative instants exact, rounding sub-millisecond fractions down', () => {
    assert.equal(ts('1969-12-31 23:59:59.999'), -1)
    assert.equal(ts('1969-12-31 23:59:59.9999'), -1)
    assert.equal(ts('1970-01-01 00:00:00.0001'), 0)
  })

  it('returns null for malformed text, impossible dates and unknown zones', () => {
    const bad = [
      '',
      '   ',
      'abc',
      '2024/01/15',
      '2024-01-15X',
      '2024-01-15T',
      '2024-01-15 10:30:45 extra stuff',
      '123-01-01',
      '1234567-01-01',
      '2024-001-01',
      '2024-01-015',
      '2024-02-30',
      '2023-02-29',
      '1900-02-29',
      '2024-13-01',
      '2024-01-15 24:00:00',
      '2024-01-15 23:60:00',
      '2024-01-15 10:30:60',
      '2024-01-15 10:30Z',
      '2024-01-15 10:30:45 Mars/Base',
      '2024-01-15 10:30:45 europe/paris',
      '2024-01-15 10:30:45+19:00',
    ]
    for (const text of bad) assert.equal(ts(text), null, JSON.stringify(text))
  })

  it('needs the current time for a time without a date', () => {
    assert.equal(ts('10:30:45'), null)
    assert.equal(ts('T10:30:45'), null)
    const now = u(2024, 6, 1, 5) // 2024-06-30 22:00 in Los Angeles
    assert.equal(castStringToTimestamp('10:30:45', 'UTC', now), u(2024, 6, 1, 10, 30, 45))
    assert.equal(castStringToTimestamp('T10:30', 'America/Los_Angeles', now), u(2024, 5, 30, 17, 30))
    assert.equal(castStringToTimestamp(' T10:30:45', 'UTC', now), null) // Spark only takes T as the very first character
  })
})

describe('castStringToDate (Spark stringToDate)', () => {
  it('accepts yyyy, yyyy-[m]m, yyyy-[m]m-[d]d and anything after a space or T', () => {
    const d = daysFromCivil
    assert.equal(castStringToDate('2024'), d(2024, 1, 1))
    assert.equal(castStringToDate('2024-01'), d(2024, 1, 1))
    assert.equal(castStringToDate('2024-1-5'), d(2024, 1, 5))
    assert.equal(castStringToDate('2024-01-15 anything'), d(2024, 1, 15))
    assert.equal(castStringToDate('2024-01-15Tanything'), d(2024, 1, 15))
    assert.equal(castStringToDate('2024-01-15 10:30:45+01:00'), d(2024, 1, 15))
    assert.equal(castStringToDate('  2024-01-15  '), d(2024, 1, 15))
    assert.equal(castStringToDate('-0001-01-01'), d(-1, 1, 1))
    assert.equal(castStringToDate('1234567-01-01'), d(1234567, 1, 1))
    assert.equal(castStringToDate('2024-02-29'), d(2024, 2, 29))
    assert.equal(castStringToDate('2000-02-29'), d(2000, 2, 29))
  })

  it('returns null for malformed text and impossible dates', () => {
    const bad = [
      '',
      'abc',
      '2024 01',
      '2024-01 x',
      '2024-01T',
      '2024-01-15X',
      '2024-01-15-01',
      '123-01-01',
      '12345678-01-01',
      '2024-001-01',
      '2024-02-30',
      '2023-02-29',
      '1900-02-29',
      'T2024',
      '2024/01/15',
    ]
    for (const text of bad) assert.equal(castStringToDate(text), null, JSON.stringify(text))
  })
})

describe('casting datetimes to strings', () => {
  it('prints timestamps with the fraction only when it is not zero', () => {
    assert.equal(timestampToString(u(2024, 0, 1, 10), 'UTC'), '2024-01-01 10:00:00')
    assert.equal(timestampToString(u(2024, 0, 1, 10, 0, 0, 500), 'UTC'), '2024-01-01 10:00:00.5')
    assert.equal(timestampToString(u(2024, 0, 1, 10, 0, 0, 120), 'UTC'), '2024-01-01 10:00:00.12')
    assert.equal(timestampToString(u(2024, 0, 1, 10, 0, 0, 123), 'UTC'), '2024-01-01 10:00:00.123')
    assert.equal(timestampToString(u(2024, 0, 1, 10, 0, 0, 7), 'UTC'), '2024-01-01 10:00:00.007')
  })

  it('prints timestamps in the session zone, before 1970 and outside 0000-9999', () => {
    assert.equal(timestampToString(u(2024, 0, 1, 10), 'America/Los_Angeles'), '2024-01-01 02:00:00')
    assert.equal(timestampToString(u(2024, 0, 1, 10), '+05:30'), '2024-01-01 15:30:00')
    assert.equal(timestampToString(-1, 'UTC'), '1969-12-31 23:59:59.999')
    assert.equal(timestampToString(u(10000, 0, 1), 'UTC'), '+10000-01-01 00:00:00')
    assert.equal(timestampToString(daysFromCivil(-1, 1, 1) * 86_400_000, 'UTC'), '-0001-01-01 00:00:00')
  })

  it('prints dates as yyyy-MM-dd with a sign outside 0000-9999', () => {
    assert.equal(dateToString(0), '1970-01-01')
    assert.equal(dateToString(-1), '1969-12-31')
    assert.equal(dateToString(daysFromCivil(2000, 2, 29)), '2000-02-29')
    assert.equal(dateToString(daysFromCivil(0, 1, 1)), '0000-01-01')
    assert.equal(dateToString(daysFromCivil(-1, 1, 1)), '-0001-01-01')
    assert.equal(dateToString(daysFromCivil(10000, 1, 1)), '+10000-01-01')
    assert.equal(dateToString(daysFromCivil(12, 3, 4)), '0012-03-04')
  })
})
