import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import {
  compileParser,
  daysFromCivil,
  formatTimestamp,
  parseTimestamp,
} from '../../../../src/util/time/index.ts'

const u = Date.UTC
const p = (text: string, pattern: string, zone = 'UTC') => parseTimestamp(text, pattern, zone)

describe('parseTimestamp (answers from Spark 4 try_to_timestamp)', () => {
  it('parses dates and times in the session zone', () => {
    assert.equal(p('2024-01-15 10:30:00', 'yyyy-MM-dd HH:mm:ss'), u(2024, 0, 15, 10, 30))
    assert.equal(
      p('2024-01-15 10:30:00', 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles'),
      u(2024, 0, 15, 18, 30),
    )
    assert.equal(p('2024-01-15 10:30:00', 'yyyy-MM-dd HH:mm:ss', '+05:30'), u(2024, 0, 15, 5))
    assert.equal(p('1969-12-31 23:59:59.999', 'yyyy-MM-dd HH:mm:ss.SSS'), -1)
  })

  it('defaults missing fields to 1970-01-01 00:00', () => {
    assert.equal(p('2024', 'yyyy'), u(2024, 0, 1))
    assert.equal(p('10:30', 'HH:mm'), u(1970, 0, 1, 10, 30))
    assert.equal(p('2024-01', 'yyyy-MM[-dd]'), u(2024, 0, 1))
    assert.equal(p('Jan 2024', 'MMM yyyy'), u(2024, 0, 1))
    assert.equal(p('45', 'D'), u(1970, 1, 14))
    assert.equal(p('PM', 'a'), u(1970, 0, 1, 12))
    assert.equal(p('12:30', 'hh:mm'), u(1970, 0, 1, 0, 30)) // no am/pm: morning
  })

  it('splits adjacent numbers by the widths that follow (yyyyMMdd)', () => {
    assert.equal(p('20240115', 'yyyyMMdd'), u(2024, 0, 15))
    assert.equal(p('202401151030', 'yyyyMMddHHmm'), u(2024, 0, 15, 10, 30))
    assert.equal(p('2024115', 'yyyyMd'), null)
    assert.equal(p('1030005', 'HHmmssS'), u(1970, 0, 1, 10, 30, 0, 500))
    assert.equal(p('103000.5', 'HHmmssS'), null)
  })

  it('reads two-digit years as 2000-2099 and signed wide years', () => {
    assert.equal(p('24-01-15', 'yy-MM-dd'), u(2024, 0, 15))
    assert.equal(p('99-01-15', 'yy-MM-dd'), u(2099, 0, 15))
    assert.equal(p('1-01-15', 'yy-MM-dd'), null)
    assert.equal(p('-0001-01-01', 'yyyy-MM-dd'), u(-1, 0, 1))
    assert.equal(p('+12024-01-01', 'yyyy-MM-dd'), u(12024, 0, 1))
    assert.equal(p('12024-01-01', 'yyyy-MM-dd'), null) // five digits need a sign under yyyy
    assert.equal(p('+2024-01-01', 'yyyy-MM-dd'), null)
    assert.equal(p('BC 0001-01-01', 'G yyyy-MM-dd'), daysFromCivil(0, 1, 1) * 86_400_000) // 1 BC is year 0
    assert.equal(p('2024', 'G yyyy'), null) // G is not optional
  })

  it('parses text fields ignoring case, and literals ignoring case', () => {
    assert.equal(p('JANUARY 15 2024', 'MMMM dd yyyy'), u(2024, 0, 15))
    assert.equal(p('jan 15 2024', 'MMM dd yyyy'), u(2024, 0, 15))
    assert.equal(p('01:30 pm', 'hh:mm a'), u(1970, 0, 1, 13, 30))
    assert.equal(p('12:30 AM', 'hh:mm a'), u(1970, 0, 1, 0, 30))
    assert.equal(p('2024-01-15t10:30:00', "yyyy-MM-dd'T'HH:mm:ss"), u(2024, 0, 15, 10, 30))
    assert.equal(p("it's 2024", "'it''s' yyyy"), u(2024, 0, 1))
  })

  it('accepts 1 up to n fraction digits for S..S', () => {
    assert.equal(p('2024-01-15 10:30:00.1', 'yyyy-MM-dd HH:mm:ss.SSS'), u(2024, 0, 15, 10, 30, 0, 100))
    assert.equal(
      p('2024-01-15 10:30:00.123456', 'yyyy-MM-dd HH:mm:ss.SSSSSS'),
      u(2024, 0, 15, 10, 30, 0, 123),
    )
    assert.equal(p('2024-01-15 10:30:00.1234', 'yyyy-MM-dd HH:mm:ss.SSS'), null)
    assert.equal(p('2024-01-15 10:30:00', 'yyyy-MM-dd HH:mm:ss[.SSS]'), u(2024, 0, 15, 10, 30))
  })

  it('lets a zone or offset in the text win over the session zone', () => {
    const base = 'yyyy-MM-dd HH:mm:ss'
    const at = (zoneText: string, letters: string) =>
      p(`2024-01-15 10:30:00 ${zoneText}`, `${base} ${letters}`, 'Asia/Tokyo')
    assert.equal(at('+0100', 'Z'), u(2024, 0, 15, 9, 30))
    assert.equal(at('+01:00', 'XXX'), u(2024, 0, 15, 9, 30))
    assert.equal(at('Z', 'XXX'), u(2024, 0, 15, 10, 30))
    assert.equal(at('-0800', 'xx'), u(2024, 0, 15, 18, 30))
    assert.equal(at('GMT+8', 'O'), u(2024, 0, 15, 2, 30))
    assert.equal(at('GMT-05:30', 'ZZZZ'), u(2024, 0, 15, 16))
    assert.equal(at('America/New_York', 'VV'), u(2024, 0, 15, 15, 30))
    assert.equal(at('europe/berlin', 'VV'), u(2024, 0, 15, 9, 30))
    assert.equal(at('UTC+01:00', 'VV'), u(2024, 0, 15, 9, 30))
    assert.equal(at('PST', 'z'), u(2024, 0, 15, 18, 30))
    assert.equal(at('CET', 'z'), u(2024, 0, 15, 9, 30))
    assert.equal(at('Pacific Standard Time', 'zzzz'), u(2024, 0, 15, 18, 30))
  })

  it('resolves DST gaps forward and overlaps to the earlier offset', () => {
    const la = (text: string) => p(text, 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles')
    assert.equal(la('2024-03-10 02:30:00'), u(2024, 2, 10, 10, 30))
    assert.equal(la('2024-11-03 01:30:00'), u(2024, 10, 3, 8, 30))
  })

  it('returns null when the text does not match or names an impossible value', () => {
    const cases: [string, string][] = [
      ['2023-02-29', 'yyyy-MM-dd'],
      ['1900-02-29', 'yyyy-MM-dd'],
      ['2024-13-01', 'yyyy-MM-dd'],
      ['2024-01-32', 'yyyy-MM-dd'],
      ['2024-1-15 10:30:00', 'yyyy-MM-dd HH:mm:ss'],
      ['2024-01-15', 'yyyy-MM-dd HH:mm:ss'],
      ['2024-01-15 10:30:00 extra', 'yyyy-MM-dd HH:mm:ss'],
      [' 2024-01-15', 'yyyy-MM-dd'],
      ['2024-01-15 25:00:00', 'yyyy-MM-dd HH:mm:ss'],
      ['24:00', 'HH:mm'],
      ['13:30 AM', 'HH:mm a'],
      ['02-29', 'MM-dd'], // defaults to 1970, not a leap year
      ['2023 366', 'yyyy DDD'],
      ['2024 32 01', 'yyyy D MM'],
      ['2024 2023', 'yyyy yyyy'],
      ['abc', 'yyyy'],
      ['', 'yyyy'],
    ]
    for (const [text, pattern] of cases) assert.equal(p(text, pattern), null, `${text} / ${pattern}`)
  })

  it('accepts the leap day of leap years', () => {
    assert.equal(p('2024-02-29', 'yyyy-MM-dd'), u(2024, 1, 29))
    assert.equal(p('2000-02-29', 'yyyy-MM-dd'), u(2000, 1, 29))
    assert.equal(p('2024 366', 'yyyy DDD'), u(2024, 11, 31))
  })

  it('raises INVALID_PATTERN for patterns Spark rejects when parsing', () => {
    assert.throws(
      () => p('Mon 2024-01-15', 'EEE yyyy-MM-dd'),
      (e: unknown) => isSluiceError(e, 'INVALID_PATTERN'),
    )
    assert.throws(
      () => p('2024', 'YYYY'),
      (e: unknown) => isSluiceError(e, 'INVALID_PATTERN'),
    )
  })

  it('round-trips what the formatter prints', () => {
    const pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
    const zones = ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata', '-03:30']
    const parser = compileParser(pattern)
    for (let ms = u(1950, 0, 1); ms < u(2050, 0, 1); ms += 86_400_000 * 37 + 3_723_456) {
      for (const zone of zones) {
        assert.equal(parser(formatTimestamp(ms, pattern, zone), 'UTC'), ms)
      }
    }
    assert.equal(p(formatTimestamp(-1, 'yyyy-MM-dd HH:mm:ss.SSS', 'UTC'), 'yyyy-MM-dd HH:mm:ss.SSS'), -1)
    assert.equal(
      p(
        formatTimestamp(u(2024, 10, 3, 9, 30), 'yyyy-MM-dd HH:mm', 'America/Los_Angeles'),
        'yyyy-MM-dd HH:mm',
        'America/Los_Angeles',
      ),
      u(2024, 10, 3, 8, 30) /* ambiguous wall time: earlier offset */,
    )
  })
})
