import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatTimestamp, fromUnixtime, unixSeconds, unixTimestamp } from '../../../../src/util/time/index.ts'

const u = Date.UTC
// 2024-07-16 13:04:05.123 UTC, a Tuesday.
const T = u(2024, 6, 16, 13, 4, 5, 123)
const f = (ms: number, pattern: string, zone = 'UTC') => formatTimestamp(ms, pattern, zone)

describe('formatTimestamp: each pattern letter (answers from Spark 4 date_format)', () => {
  it('formats years: y, yy, yyyy, wider widths and signs', () => {
    assert.equal(f(T, 'y yy yyy yyyy yyyyy yyyyyy'), '2024 24 2024 2024 02024 002024')
    assert.equal(f(u(10000, 0, 1), 'yyyy'), '+10000')
    assert.equal(f(u(10000, 0, 1), 'yyyyy'), '10000')
    const bc2 = u(-1, 0, 1) // proleptic year -1 is 2 BC
    assert.equal(f(bc2, 'y yy yyyy'), '-1 01 -0001')
    assert.equal(f(bc2, 'G yyyy'), 'BC 0002') // with an era, y is year-of-era
  })

  it('formats eras, months, days of month and of year', () => {
    assert.equal(f(T, 'G GG GGG GGGG'), 'AD AD AD Anno Domini')
    assert.equal(f(T, 'M MM MMM MMMM L LL LLL LLLL'), '7 07 Jul July 7 07 Jul July')
    assert.equal(f(u(2024, 0, 5), 'd dd D DD DDD'), '5 05 5 05 005')
    assert.equal(f(T, 'd dd D DD DDD'), '16 16 198 198 198')
  })

  it('formats quarters, weekdays and the aligned day of week in month (F)', () => {
    assert.equal(f(T, 'Q QQ QQQ QQQQ q qq qqq qqqq'), '3 03 Q3 3rd quarter 3 03 Q3 3rd quarter')
    assert.equal(f(T, 'E EE EEE EEEE'), 'Tue Tue Tue Tuesday')
    assert.equal(f(T, 'F'), '2')
    assert.equal(f(u(2024, 6, 31), 'F'), '3')
  })

  it('formats the clock hours a, h, K, k, H and minutes/seconds', () => {
    assert.equal(f(T, 'a h hh K KK k kk H HH m mm s ss'), 'PM 1 01 1 01 13 13 13 13 4 04 5 05')
    const midnight = u(2024, 0, 1)
    assert.equal(f(midnight, 'a h K k H'), 'AM 12 0 24 0')
    assert.equal(f(midnight + 12 * 3_600_000, 'a h K k H'), 'PM 12 0 12 12')
  })

  it('formats second fractions, padding past milliseconds with zeros', () => {
    assert.equal(f(T, 'S SS SSS SSSS SSSSSS SSSSSSSSS'), '1 12 123 1230 123000 123000000')
    assert.equal(f(u(2024, 0, 1, 0, 0, 0, 5), 'SSS'), '005')
  })

  it('formats zone IDs, names and offsets in Los Angeles (summer)', () => {
    const la = (p: string) => f(u(2024, 6, 1, 20, 4, 5), p, 'America/Los_Angeles')
    assert.equal(la('VV'), 'America/Los_Angeles')
    assert.equal(la('z zz zzz'), 'PDT PDT PDT')
    assert.equal(la('zzzz'), 'Pacific Daylight Time')
    assert.equal(la('O OOOO'), 'GMT-7 GMT-07:00')
    assert.equal(la('X XX XXX XXXX XXXXX'), '-07 -0700 -07:00 -0700 -07:00')
    assert.equal(la('x xx xxx xxxx xxxxx'), '-07 -0700 -07:00 -0700 -07:00')
    assert.equal(la('Z ZZ ZZZ ZZZZ ZZZZZ'), '-0700 -0700 -0700 GMT-07:00 -07:00')
  })

  it('formats zero and fractional offsets like java.time', () => {
    assert.equal(f(T, 'X XXX x xx xxx Z ZZZZ ZZZZZ O'), 'Z Z +00 +0000 +00:00 +0000 GMT Z GMT')
    const kolkata = (p: string) => f(T, p, 'Asia/Kolkata')
    assert.equal(
      kolkata('X XX XXX O OOOO z zzzz'),
      '+0530 +0530 +05:30 GMT+5:30 GMT+05:30 IST India Standard Time',
    )
    assert.equal(f(T, 'VV z X', '+05:30'), '+05:30 +05:30 +0530')
    assert.equal(f(T, 'VV z', 'UTC+1'), 'UTC+01:00 UTC+01:00')
    assert.equal(f(T, 'VV z zzzz', 'UTC'), 'UTC UTC Coordinated Universal Time')
    assert.equal(f(T, 'VV z', 'Z'), 'Z Z')
  })

  it('uses java.time abbreviations where CLDR has none', () => {
    assert.equal(f(T, 'z', 'Asia/Tokyo'), 'JST')
    assert.equal(f(u(2024, 0, 1), 'z', 'Europe/Berlin'), 'CET')
    assert.equal(f(T, 'z', 'Europe/Berlin'), 'CEST')
    assert.equal(f(T, 'z', 'America/Sao_Paulo'), 'BRT')
  })

  it('prints quoted text, quotes and literal punctuation', () => {
    assert.equal(f(T, "yyyy-MM-dd'T'HH:mm:ss"), '2024-07-16T13:04:05')
    assert.equal(f(T, "'o''clock' h a ''"), "o'clock 1 PM '")
    assert.equal(f(T, 'EEE, d MMM yyyy HH:mm:ss Z'), 'Tue, 16 Jul 2024 13:04:05 +0000')
  })

  it('prints everything inside optional sections', () => {
    assert.equal(f(T, 'yyyy[-MM][-dd]'), '2024-07-16')
  })
})

describe('formatTimestamp: instants around DST switches and before 1970', () => {
  it('formats across the spring-forward switch in Los Angeles', () => {
    const p = 'yyyy-MM-dd HH:mm:ss z'
    assert.equal(f(u(2024, 2, 10, 9, 59, 59), p, 'America/Los_Angeles'), '2024-03-10 01:59:59 PST')
    assert.equal(f(u(2024, 2, 10, 10), p, 'America/Los_Angeles'), '2024-03-10 03:00:00 PDT')
  })

  it('formats both passes through the repeated hour in Los Angeles', () => {
    const p = 'HH:mm XXX'
    assert.equal(f(u(2024, 10, 3, 8, 30), p, 'America/Los_Angeles'), '01:30 -07:00')
    assert.equal(f(u(2024, 10, 3, 9, 30), p, 'America/Los_Angeles'), '01:30 -08:00')
  })

  it('formats across both switches in Berlin', () => {
    const p = 'yyyy-MM-dd HH:mm z'
    assert.equal(f(u(2024, 2, 31, 0, 59), p, 'Europe/Berlin'), '2024-03-31 01:59 CET')
    assert.equal(f(u(2024, 2, 31, 1), p, 'Europe/Berlin'), '2024-03-31 03:00 CEST')
    assert.equal(f(u(2024, 9, 27, 0, 30), p, 'Europe/Berlin'), '2024-10-27 02:30 CEST')
    assert.equal(f(u(2024, 9, 27, 1, 30), p, 'Europe/Berlin'), '2024-10-27 02:30 CET')
  })

  it('formats negative timestamps and negative fractions', () => {
    assert.equal(f(-1, 'yyyy-MM-dd HH:mm:ss.SSS'), '1969-12-31 23:59:59.999')
    assert.equal(f(-86_400_001, 'yyyy-MM-dd HH:mm:ss.SSS'), '1969-12-30 23:59:59.999')
    assert.equal(f(u(1900, 1, 28, 23, 59, 59, 999), 'yyyy-MM-dd HH:mm:ss.SSS'), '1900-02-28 23:59:59.999')
    assert.equal(f(u(1582, 9, 10), 'yyyy-MM-dd EEE'), '1582-10-10 Sun') // proleptic: no Julian gap
    assert.equal(
      f(u(1850, 0, 1), 'yyyy-MM-dd HH:mm:ss XXXXX', 'Europe/Berlin'),
      '1850-01-01 00:53:28 +00:53:28',
    )
  })

  it('formats leap days', () => {
    assert.equal(f(u(2000, 1, 29, 12), 'yyyy-MM-dd D'), '2000-02-29 60')
    assert.equal(f(u(2024, 11, 31), 'D'), '366')
  })
})

describe('unix time', () => {
  it('from_unixtime formats whole seconds with the default pattern', () => {
    assert.equal(fromUnixtime(0, undefined, 'America/Los_Angeles'), '1969-12-31 16:00:00')
    assert.equal(fromUnixtime(1.9e9, 'yyyy-MM-dd HH:mm:ss', 'UTC'), '2030-03-17 17:46:40')
    assert.equal(fromUnixtime(-1, 'yyyy-MM-dd HH:mm:ss', 'UTC'), '1969-12-31 23:59:59')
    assert.equal(fromUnixtime(1.9, 'ss', 'UTC'), '01')
    assert.equal(fromUnixtime(-1.9, 'yyyy-MM-dd HH:mm:ss', 'UTC'), '1969-12-31 23:59:59')
  })

  it('unix_timestamp truncates toward zero, unix_seconds rounds down', () => {
    assert.equal(unixTimestamp(1999), 1)
    assert.equal(unixTimestamp(-1), 0)
    assert.equal(unixTimestamp(-1000), -1)
    assert.equal(unixTimestamp(-1500), -1)
    assert.equal(unixSeconds(-1), -1)
    assert.equal(unixSeconds(-1001), -2)
  })
})
