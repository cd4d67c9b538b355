import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crc32 } from 'node:zlib'
import { commitLogCodec, commitLogEntry } from '../../../src/checkpoint/commit-log-codec.ts'
import { offsetLogCodec, offsetLogEntry } from '../../../src/checkpoint/offset-log-codec.ts'
import { progressLogCodec } from '../../../src/checkpoint/progress-log-codec.ts'
import { queryMetadata, queryMetadataCodec } from '../../../src/checkpoint/query-metadata-codec.ts'
import { decodeVersionedFile, encodeVersionedFile } from '../../../src/checkpoint/versioned-file.ts'
import { isSluiceError } from '../../../src/errors.ts'

const bytes = (s: string) => new TextEncoder().encode(s)
/** A v2 file: `text` and the CRC-32 of its bytes as the last line. */
const withChecksum = (text: string) => `${text}crc32:${crc32(bytes(text)).toString(16).padStart(8, '0')}\n`

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
      withChecksum(
        'v2\n' +
          '{"batchId":3,"batchTimestampMs":1700000000000,"batchWatermarkMs":0,"conf":{"sluice.sql.shuffle.partitions":"8"}}\n' +
          '{"sourceId":"bids","offset":"{\\"bids\\":{\\"0\\":42}}"}\n' +
          '{"sourceId":"rate-1","offset":null}\n',
      ),
    )
    assert.deepEqual(decodeVersionedFile('offsets/3', bytes(text), offsetLogCodec, { batchId: 3 }), entry)
  })

  it('writes commits/N and metadata as documented', () => {
    assert.equal(
      encodeVersionedFile(commitLogCodec, commitLogEntry({ nextBatchWatermarkMs: 5000 })),
      withChecksum('v2\n{"nextBatchWatermarkMs":5000}\n'),
    )
    const meta = queryMetadata({ id: 'abc', createdAtMs: 7, conf: { b: '2', a: '1' } })
    assert.equal(
      encodeVersionedFile(queryMetadataCodec, meta),
      withChecksum('v2\n{"id":"abc","createdAtMs":7,"conf":{"a":"1","b":"2"}}\n'),
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
    assert.equal(text.split('\n').length, 5)
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

describe('checkpoint file checksums', () => {
  const entry = offsetLogEntry({
    batchId: 2,
    batchTimestampMs: 1_700_000_000_000,
    batchWatermarkMs: 5000,
    conf: {},
    offsets: { files: '{"logOffset":2}' },
  })

  it('refuses offsets/N with one changed digit, naming the file', () => {
    const text = encodeVersionedFile(offsetLogCodec, entry)
    for (const [from, to] of [
      ['"logOffset\\":2', '"logOffset\\":1'],
      ['"batchWatermarkMs":5000', '"batchWatermarkMs":6000'],
    ]) {
      assert.ok(text.includes(from), from)
      assert.throws(
        () => decodeVersionedFile('/ckpt/offsets/2', bytes(text.replace(from, to)), offsetLogCodec),
        (e) =>
          isSluiceError(e, 'CHECKPOINT_CORRUPT') &&
          e.message.includes('/ckpt/offsets/2') &&
          e.message.includes('does not match its checksum'),
      )
    }
  })

  it('refuses a v2 file whose checksum line is missing or altered', () => {
    const text = encodeVersionedFile(commitLogCodec, commitLogEntry({ nextBatchWatermarkMs: 0 }))
    const noChecksum = text.replace(/crc32:[0-9a-f]{8}\n$/, '')
    assert.throws(
      () => decodeVersionedFile('/c/commits/0', bytes(noChecksum), commitLogCodec),
      (e) => isSluiceError(e, 'CHECKPOINT_CORRUPT') && /checksum like/.test(e.message),
    )
    const altered = text.replace(/crc32:(.)/, (_, c: string) => `crc32:${c === '0' ? '1' : '0'}`)
    assert.throws(
      () => decodeVersionedFile('/c/commits/0', bytes(altered), commitLogCodec),
      (e) => isSluiceError(e, 'CHECKPOINT_CORRUPT') && /does not match/.test(e.message),
    )
  })

  it('still reads v1 files, written before checksums', () => {
    const v1 =
      'v1\n{"batchId":2,"batchTimestampMs":1700000000000,"batchWatermarkMs":5000,"conf":{}}\n' +
      '{"sourceId":"files","offset":"{\\"logOffset\\":2}"}\n'
    assert.deepEqual(decodeVersionedFile('/c/offsets/2', bytes(v1), offsetLogCodec, { batchId: 2 }), entry)
    assert.deepEqual(
      decodeVersionedFile('/c/commits/0', bytes('v1\n{"nextBatchWatermarkMs":7}\n'), commitLogCodec),
      {
        nextBatchWatermarkMs: 7,
      },
    )
  })

  it('writes progress/N as documented: the progress JSON line, checksummed; refuses a bad one', () => {
    const entry = {
      id: 'q',
      runId: 'r',
      name: null,
      batchId: 4,
      numInputRows: 3,
      observedMetrics: { m: { n: 1 } },
    }
    const text = encodeVersionedFile(progressLogCodec, entry)
    assert.equal(text, withChecksum(`v2\n${JSON.stringify(entry)}\n`))
    assert.deepEqual(
      decodeVersionedFile('/c/progress/4', bytes(text), progressLogCodec, { batchId: 4 }),
      entry,
    )
    const refused = (t: string, what: RegExp, batchId = 4) =>
      assert.throws(
        () => decodeVersionedFile('/c/progress/4', bytes(withChecksum(t)), progressLogCodec, { batchId }),
        (e) =>
          isSluiceError(e, 'CHECKPOINT_CORRUPT') &&
          what.test(e.message) &&
          e.message.includes('/c/progress/4'),
      )
    refused(`v2\n${JSON.stringify(entry)}\n`, /of batch 4, but the file is named for batch 5/, 5)
    refused(`v2\n${JSON.stringify({ ...entry, runId: undefined })}\n`, /'runId'/)
    refused('v2\n[1]\n', /JSON object/)
    assert.throws(
      () => decodeVersionedFile('/c/progress/4', bytes(withChecksum('v3\n{}\n')), progressLogCodec),
      (e) => isSluiceError(e, 'CHECKPOINT_VERSION_UNSUPPORTED'),
    )
  })

  it('records the side outputs a batch wrote in its commit, and reads commits without them', () => {
    const entry = commitLogEntry({ nextBatchWatermarkMs: 0, sideOutputs: ['late/x', 'dead-letter/bad'] })
    const text = encodeVersionedFile(commitLogCodec, entry)
    assert.match(text, /^v2\n\{"nextBatchWatermarkMs":0,"sideOutputs":\["dead-letter\/bad","late\/x"\]\}\n/)
    assert.deepEqual(decodeVersionedFile('/c/commits/0', bytes(text), commitLogCodec), entry)
    const none = encodeVersionedFile(
      commitLogCodec,
      commitLogEntry({ nextBatchWatermarkMs: 0, sideOutputs: [] }),
    )
    assert.match(none, /^v2\n\{"nextBatchWatermarkMs":0\}\n/)
  })
})
