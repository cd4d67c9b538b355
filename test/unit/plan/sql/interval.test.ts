/**
 * Interval strings (Spark's `stringToInterval` rules, day-time only) in milliseconds, the ANSI
 * `'d h:m:s'` forms, and Spark's SQL text for interval literals (checked against Spark 4).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import { formatIntervalSql, parseDayTimeString, parseInterval } from '../../../../src/plan/sql/interval.ts'

const invalid = (text: string) => (e: unknown) =>
  isSluiceError(e, 'INVALID_INTERVAL') && e.message.includes(text)

describe('parseInterval', () => {
  it('reads units singular or plural, any case, with an optional interval prefix', () => {
    for (const [text, ms] of [
      ['10 minutes', 600_000],
      ['1 minute', 60_000],
      ['1 hour 30 minutes', 5_400_000],
      ['2 days', 172_800_000],
      ['500 milliseconds', 500],
      ['250 ms', 250],
      ['1 second', 1000],
      ['10 SECONDS', 10_000],
      ['interval 10 minutes', 600_000],
      ['INTERVAL 1 week', 604_800_000],
      ['2 weeks', 1_209_600_000],
      ['  10   minutes  ', 600_000],
      ['1 days 1 days', 172_800_000],
    ] as const) {
      assert.equal(parseInterval(text), ms, text)
    }
  })

  it('accepts signs, attached or apart, per value', () => {
    assert.equal(parseInterval('-5 minutes'), -300_000)
    assert.equal(parseInterval('+5 minutes'), 300_000)
    assert.equal(parseInterval('- 5 minutes'), -300_000)
    assert.equal(parseInterval('1 hour -30 minutes'), 1_800_000)
  })

  it('allows a fraction on seconds only', () => {
    assert.equal(parseInterval('1.5 seconds'), 1500)
    assert.equal(parseInterval('0.001 seconds'), 1)
    assert.throws(() => parseInterval('1.5 minutes'), invalid('minutes cannot have a fractional part'))
  })

  it('allows microseconds only in whole milliseconds', () => {
    assert.equal(parseInterval('1000 microseconds'), 1)
    assert.equal(parseInterval('1 millisecond 1000 microseconds'), 2)
    assert.throws(() => parseInterval('1 microsecond'), invalid('not a whole number of milliseconds'))
  })

  it('rejects months and years as not day-time', () => {
    assert.throws(() => parseInterval('1 month'), invalid("Invalid interval '1 month': months and years"))
    assert.throws(() => parseInterval('2 years'), invalid('months and years are not day-time intervals'))
  })

  it('names the text and the fault in errors', () => {
    assert.throws(() => parseInterval(''), invalid("Invalid interval '': the interval string is empty"))
    assert.throws(() => parseInterval('10'), invalid("Invalid interval '10': expected a unit name after 10"))
    assert.throws(() => parseInterval('10minutes'), invalid("'10minutes' is not a number"))
    assert.throws(() => parseInterval('1 sec'), invalid("'sec' is not an interval unit"))
  })
})

describe('parseDayTimeString', () => {
  it('parses each ANSI form', () => {
    assert.equal(parseDayTimeString('1 02', 'DAY', 'HOUR'), 93_600_000)
    assert.equal(parseDayTimeString('1 02:03', 'DAY', 'MINUTE'), 93_780_000)
    assert.equal(parseDayTimeString('1 02:03:04.5', 'DAY', 'SECOND'), 93_784_500)
    assert.equal(parseDayTimeString('-2:30', 'HOUR', 'MINUTE'), -9_000_000)
    assert.equal(parseDayTimeString('100:00:30', 'HOUR', 'SECOND'), 360_030_000)
    assert.equal(parseDayTimeString('5:30.25', 'MINUTE', 'SECOND'), 330_250)
  })

  it('rejects out-of-range trailing fields and mismatched shapes', () => {
    assert.throws(
      () => parseDayTimeString('1:75', 'HOUR', 'MINUTE'),
      invalid('MINUTE 75 is out of range [0, 59]'),
    )
    assert.throws(
      () => parseDayTimeString('1 02:03', 'DAY', 'SECOND'),
      invalid('does not match the INTERVAL DAY TO SECOND format'),
    )
  })
})

describe('formatIntervalSql', () => {
  it('prints Spark’s ANSI literal text from the largest to the smallest non-zero field', () => {
    for (const [ms, sql] of [
      [600_000, "INTERVAL '10' MINUTE"],
      [5_400_000, "INTERVAL '01:30' HOUR TO MINUTE"],
      [172_800_000, "INTERVAL '2' DAY"],
      [93_600_000, "INTERVAL '1 02' DAY TO HOUR"],
      [500, "INTERVAL '00.5' SECOND"],
      [93_784_500, "INTERVAL '1 02:03:04.5' DAY TO SECOND"],
      [90_000, "INTERVAL '01:30' MINUTE TO SECOND"],
      [-300_000, "INTERVAL '-05' MINUTE"],
      [-500, "INTERVAL '-00.5' SECOND"],
      [12_345, "INTERVAL '12.345' SECOND"],
      [0, "INTERVAL '00' SECOND"],
      [86_400_001, "INTERVAL '1 00:00:00.001' DAY TO SECOND"],
      [7_230_000, "INTERVAL '02:00:30' HOUR TO SECOND"],
    ] as const) {
      assert.equal(formatIntervalSql(ms), sql, String(ms))
    }
  })
})
