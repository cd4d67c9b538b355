import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { commitLogCodec, commitLogEntry } from '../../../src/checkpoint/commit-log-codec.ts'
import { offsetLogCodec, offsetLogEntry } from '../../../src/checkpoint/offset-log-codec.ts'
import { queryMetadata, queryMetadataCodec } from '../../../src/checkpoint/query-metadata-codec.ts'
import { decodeVersionedFile, encodeVersionedFile } from '../../../src/checkpoint/versioned-file.ts'
import { isSluiceError } from '../../../src/errors.ts'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('checkpoint file formats', () => {
  it('writes offsets/N as documented: metadata line, then one line per source sorted by id', () => {
    const entry = offsetLogEntry({
      batchId: 3,
      batchTimestampMs: 1_700_000_000_000,
      batchWatermarkMs: 0,
      conf: { 'sluice.sql.shuffle.partitions': '8' },
      offsets: { 'rate-1': null, bids: '{"bids":{"0":42}}' },
    })
    const text = encodeVersionedFile(offsetLogCodec, entry)
    assert.equal(
      text,
      'v1\n' +
        '{"batchId":3,"batchTimestampMs":1700000000000,"batchWatermarkMs":0,"conf":{"sluice.sql.shuffle.partitions":"8"}}\n' +
        '{"sourceId":"bids","offset":"{\\"bids\\":{\\"0\\":42}}"}\n' +
        '{"sourceId":"rate-1","offset":null}\n',
    )
    assert.deepEqual(decodeVersionedFile('offsets/3', bytes(text), offsetLogCodec, { batchId: 3 }), entry)
  })

  it('writes commits/N and metadata as documented', () => {
    assert.equal(
      encodeVersionedFile(commitLogCodec, commitLogEntry({ nextBatchWatermarkMs: 5000 })),
      'v1\n{"nextBatchWatermarkMs":5000}\n',
    )
    const meta = queryMetadata({ id: 'abc', createdAtMs: 7, conf: { b: '2', a: '1' } })
    assert.equal(
      encodeVersionedFile(queryMetadataCodec, meta),
      'v1\n{"id":"abc","createdAtMs":7,"conf":{"a":"1","b":"2"}}\n',
    )
  })

  it('round-trips offsets with awkward characters in them', () => {
    const entry = offsetLogEntry({
      batchId: 0,
      batchTimestampMs: -5,
      batchWatermarkMs: -1000,
      conf: { 'k\nwith newline': 'v"q' },
      offsets: { s: 'line1\nline2\u2028\u{1F600}' },
    })
    const text = encodeVersionedFile(offsetLogCodec, entry)
    assert.equal(text.split('\n').length, 4)
    assert.deepEqual(decodeVersionedFile('f', bytes(text), offsetLogCodec), entry)
  })

  it('freezes entries and validates them when made', () => {
    const entry = commitLogEntry({ nextBatchWatermarkMs: 1 })
    assert.ok(Object.isFrozen(entry))
    assert.throws(
      () => commitLogEntry({ nextBatchWatermarkMs: 1.5 }),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
    const base = { batchId: 0, batchTimestampMs: 0, batchWatermarkMs: 0, conf: {}, offsets: {} }
    assert.throws(
      () => offsetLogEntry({ ...base, batchId: -1 }),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
    assert.throws(
      () => offsetLogEntry({ ...base, offsets: { 'a/b': '1' } }),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
    assert.throws(
      () => queryMetadata({ id: '', createdAtMs: 0, conf: {} }),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
  })
})
