import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  civilFromDays,
  dateToTimestamp,
  dayOfMonth,
  dayOfWeek,
  dayOfYear,
  daysFromCivil,
  daysInMonth,
  hour,
  isLeapYear,
  isoWeekOfYear,
  minute,
  month,
  quarter,
  second,
  toDate,
  weekOfYear,
  year,
} from '../../../../src/util/time/index.ts'

const u = Date.UTC

describe('civil dates (proleptic Gregorian)', () => {
  it('maps the epoch and its neighbours', () => {
    assert.deepEqual(civilFromDays(0), { year: 1970, month: 1, day: 1 })
    assert.deepEqual(civilFromDays(-1), { year: 1969, month: 12, day: 31 })
    assert.equal(daysFromCivil(2024, 1, 1), 19723)
  })

  it('round-trips every day from 1500 to 2500 and agrees with Date.UTC', () => {
    const first = daysFromCivil(1500, 1, 1)
    const last = daysFromCivil(2500, 12, 31)
    for (let d = first; d <= last; d++) {
      const c = civilFromDays(d)
      assert.equal(daysFromCivil(c.year, c.month, c.day), d)
    }
    assert.equal(daysFromCivil(1582, 10, 10) * 86_400_000, u(1582, 9, 10))
  })

  it('handles years before the common era (year 0 is 1 BC)', () => {
    assert.equal(daysFromCivil(0, 1, 1), -719528)
    assert.deepEqual(civilFromDays(-719893), { year: -1, month: 1, day: 1 })
    assert.deepEqual(civilFromDays(daysFromCivil(-4713, 11, 24)), { year: -4713, month: 11, day: 24 })
  })

  it('knows the Gregorian leap-year rule', () => {
    assert.equal(isLeapYear(2000), true)
    assert.equal(isLeapYear(1900), false)
    assert.equal(isLeapYear(2024), true)
    assert.equal(isLeapYear(2023), false)
    assert.equal(isLeapYear(0), true)
    assert.equal(isLeapYear(-4), true)
    assert.equal(daysInMonth(2000, 2), 29)
    assert.equal(daysInMonth(1900, 2), 28)
    assert.deepEqual(civilFromDays(daysFromCivil(2000, 2, 29)), { year: 2000, month: 2, day: 29 })
    assert.deepEqual(civilFromDays(daysFromCivil(1900, 2, 28) + 1), { year: 1900, month: 3, day: 1 })
  })

  it('numbers ISO weeks across year boundaries', () => {
    assert.equal(isoWeekOfYear(daysFromCivil(2021, 1, 1)), 53)
    assert.equal(isoWeekOfYear(daysFromCivil(2021, 1, 4)), 1)
    assert.equal(isoWeekOfYear(daysFromCivil(2024, 12, 30)), 1)
    assert.equal(isoWeekOfYear(daysFromCivil(2020, 12, 31)), 53)
  })
})

describe('timestamp fields in a session zone (Spark year(), hour(), ...)', () => {
  it('reads the fields of a summer afternoon in Los Angeles', () => {
    const ms = u(2024, 6, 16, 20, 4, 5, 123) // 13:04:05.123 PDT, a Tuesday
    const tz = 'America/Los_Angeles'
    assert.deepEqual(
      [year, month, dayOfMonth, hour, minute, second, dayOfWeek, dayOfYear, weekOfYear, quarter].map((f) =>
        f(ms, tz),
      ),
      [2024, 7, 16, 13, 4, 5, 3, 198, 29, 3],
    )
  })

  it('moves to the previous local day when the zone is behind UTC', () => {
    const ms = u(2024, 0, 1, 3)
    assert.equal(year(ms, 'America/Los_Angeles'), 2023)
    assert.equal(dayOfMonth(ms, 'America/Los_Angeles'), 31)
    assert.equal(dayOfWeek(ms, 'America/Los_Angeles'), 1) // Sunday
    assert.equal(toDate(ms, 'America/Los_Angeles'), daysFromCivil(2023, 12, 31))
    assert.equal(toDate(ms, 'UTC'), daysFromCivil(2024, 1, 1))
  })

  it('counts hours through the 25-hour fall-back day in Los Angeles', () => {
    const start = dateToTimestamp(daysFromCivil(2024, 11, 3), 'America/Los_Angeles')
    const hours = Array.from({ length: 25 }, (_, i) => hour(start + i * 3_600_000, 'America/Los_Angeles'))
    assert.deepEqual(
      hours,
      [0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
    )
    const next = dateToTimestamp(daysFromCivil(2024, 11, 4), 'America/Los_Angeles')
    assert.equal(next - start, 25 * 3_600_000)
  })

  it('skips 02:00 on the 23-hour spring-forward day in Berlin', () => {
    const start = dateToTimestamp(daysFromCivil(2024, 3, 31), 'Europe/Berlin')
    const hours = Array.from({ length: 23 }, (_, i) => hour(start + i * 3_600_000, 'Europe/Berlin'))
    assert.deepEqual(hours.slice(0, 4), [0, 1, 3, 4])
    assert.equal(dateToTimestamp(daysFromCivil(2024, 4, 1), 'Europe/Berlin') - start, 23 * 3_600_000)
  })

  it('reads fields of instants before 1970, including negative milliseconds', () => {
    assert.deepEqual(
      [year(-1, 'UTC'), hour(-1, 'UTC'), minute(-1, 'UTC'), second(-1, 'UTC')],
      [1969, 23, 59, 59],
    )
    assert.equal(toDate(-1, 'UTC'), -1)
    assert.equal(toDate(-86_400_001, 'UTC'), -2)
    assert.equal(dayOfWeek(-1, 'UTC'), 4) // Wednesday 1969-12-31
    assert.equal(year(u(1900, 1, 28, 23), 'UTC'), 1900)
    assert.equal(dayOfYear(u(1900, 2, 1), 'UTC'), 60) // 1900 is not a leap year
    assert.equal(dayOfYear(u(2000, 2, 1), 'UTC'), 61)
  })

  it('applies local mean time to instants before standard time zones existed', () => {
    // Berlin used LMT +00:53:28 until 1893; Spark (java.time) does too.
    assert.equal(minute(u(1850, 0, 1), 'Europe/Berlin'), 53)
    assert.equal(second(u(1850, 0, 1), 'Europe/Berlin'), 28)
  })

  it('starts a date at the end of the DST gap when midnight does not exist', () => {
    // Sao Paulo sprang forward at midnight on 2018-11-04: the day starts at 01:00 (-02:00).
    assert.equal(dateToTimestamp(daysFromCivil(2018, 11, 4), 'America/Sao_Paulo'), u(2018, 10, 4, 3))
    assert.equal(dateToTimestamp(daysFromCivil(2024, 1, 1), 'UTC'), u(2024, 0, 1))
    assert.equal(dateToTimestamp(-1, '+05:30'), u(1969, 11, 31) - 5.5 * 3_600_000)
  })
})
