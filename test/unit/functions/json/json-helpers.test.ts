import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeJsonBase64, encodeJsonBase64 } from '../../../../src/functions/json/base64.ts'
import { formatDayTimeInterval, parseDayTimeInterval } from '../../../../src/functions/json/interval-text.ts'
import { isoUtcJsonTimeCodec as codec } from '../../../../src/functions/json/json-time-codec.ts'

describe('JSON base64', () => {
  it('round-trips bytes of every length', () => {
    for (let n = 0; n < 8; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255)
      assert.deepEqual(decodeJsonBase64(encodeJsonBase64(bytes)), bytes)
    }
  })

  it('allows whitespace only between groups of four', () => {
    assert.deepEqual(decodeJsonBase64(' aGk= aGk=\n'), new Uint8Array([104, 105, 104, 105]))
    assert.equal(decodeJsonBase64('aG k='), null)
  })

  it('requires padding and the standard alphabet', () => {
    assert.equal(decodeJsonBase64('aGk'), null)
    assert.equal(decodeJsonBase64('aG=k'), null)
    assert.equal(decodeJsonBase64('_-8='), null)
  })
})

describe('day-time interval text', () => {
  it('formats as Spark ANSI interval strings', () => {
    assert.equal(formatDayTimeInterval(0), "INTERVAL '0 00:00:00' DAY TO SECOND")
    assert.equal(formatDayTimeInterval(600_000), "INTERVAL '0 00:10:00' DAY TO SECOND")
    assert.equal(formatDayTimeInterval(-93_784_500), "INTERVAL '-1 02:03:04.5' DAY TO SECOND")
    assert.equal(formatDayTimeInterval(1), "INTERVAL '0 00:00:00.001' DAY TO SECOND")
  })

  it('parses what it formats, and the bare form', () => {
    for (const ms of [0, 1, 600_000, -93_784_500, 1_234_567_890])
      assert.equal(parseDayTimeInterval(formatDayTimeInterval(ms)), ms)
    assert.equal(parseDayTimeInterval('+2 00:00:01'), 172_801_000)
    assert.equal(parseDayTimeInterval("interval -'1 00:00:00' day to second"), -86_400_000)
  })

  it('rejects out-of-range fields and other forms', () => {
    for (const bad of ['0 24:00:00', '0 00:60:00', '10', '1 day', ''])
      assert.equal(parseDayTimeInterval(bad), null, bad)
  })
})

describe('isoUtcJsonTimeCodec', () => {
  it('parses ISO timestamps with optional time, fraction and zone', () => {
    assert.equal(codec.parseTimestamp('1970-01-01T00:00:01Z'), 1000)
    assert.equal(codec.parseTimestamp('1970-01-01 00:00:01.5'), 1500)
    assert.equal(codec.parseTimestamp('1970-01-01T01:00:00+01:00'), 0)
    assert.equal(codec.parseTimestamp('1970-01-01T00:00:00-0130'), 5_400_000)
    assert.equal(codec.parseTimestamp('1969-12-31T23:59:59.999Z'), -1)
    for (const bad of ['x', '2024-13-01', '2024-02-30', '2024-01-01T25:00:00'])
      assert.equal(codec.parseTimestamp(bad), null, bad)
  })

  it('parses dates, ignoring a time part', () => {
    assert.equal(codec.parseDate('1970-01-02'), 1)
    assert.equal(codec.parseDate('2024-01-01T10:00:00'), 19723)
    assert.equal(codec.parseDate('1969-12-31'), -1)
    assert.equal(codec.parseDate('2023-02-29'), null)
  })

  it('formats Spark default patterns', () => {
    assert.equal(codec.formatTimestamp(Date.UTC(2024, 0, 1, 10)), '2024-01-01T10:00:00.000Z')
    assert.equal(codec.formatDate(19724), '2024-01-02')
  })
})
