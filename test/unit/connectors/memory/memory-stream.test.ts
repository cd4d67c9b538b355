import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryStream } from '../../../../src/connectors/memory/memory-stream.ts'
import { isAvailableNowSource, isNotifyingSource, READ_ALL } from '../../../../src/connectors/spi.ts'
import { isSluiceError } from '../../../../src/errors.ts'
import { t } from '../../../../src/schema/data-type.ts'
import { sourceContract } from '../../../contract/source-contract.ts'
import { sourceContext } from '../fake-context.ts'

const Schema = t.struct({ id: t.notNull(t.long()), word: t.string() })

sourceContract('memory', () => {
  const stream = new MemoryStream(Schema)
  let next = 0
  return {
    schema: Schema,
    create: () => stream.createSource(sourceContext({}), Schema),
    produce: async () => {
      stream.addData({ id: next, word: `w${next}` }, [next + 1, null])
      next += 2
    },
  }
})

describe('MemoryStream', () => {
  it("numbers each addData as Spark's LongOffset: -1 when empty, then 0, 1, ...", async () => {
    const stream = new MemoryStream(Schema)
    const source = stream.createSource(sourceContext({}), Schema)
    assert.equal(await source.initialOffset(), -1)
    assert.equal(await source.latestOffset(-1, READ_ALL), -1)
    assert.equal(stream.addData({ id: 1, word: 'a' }), 0)
    assert.equal(stream.addData(), 1)
    assert.equal(stream.addData([2, 'b'], { id: 3 }), 2)
    assert.equal(await source.latestOffset(-1, READ_ALL), 2)
  })

  it('reads (start, end] across batches of data, objects and arrays alike', async () => {
    const stream = new MemoryStream(Schema)
    stream.addData({ id: 1, word: 'a' })
    stream.addData([2, 'b'], { id: 3 })
    const source = stream.createSource(sourceContext({}), Schema)
    assert.deepEqual(await source.getBatch(-1, 1), [
      [1, 'a'],
      [2, 'b'],
      [3, null],
    ])
    assert.deepEqual(await source.getBatch(0, 1), [
      [2, 'b'],
      [3, null],
    ])
  })

  it('still reads a committed range (kept for reruns and other queries)', async () => {
    const stream = new MemoryStream(Schema)
    stream.addData({ id: 1, word: 'a' })
    stream.addData({ id: 2, word: 'b' })
    const source = stream.createSource(sourceContext({}), Schema)
    await source.commit(1)
    assert.deepEqual(await source.getBatch(0, 1), [[2, 'b']])
    assert.deepEqual(await stream.createSource(sourceContext({}), Schema).getBatch(-1, 1), [
      [1, 'a'],
      [2, 'b'],
    ])
  })

  it('validates rows against the schema', () => {
    const stream = new MemoryStream(Schema)
    assert.throws(
      () => stream.addData({ id: 'x', word: 'a' }),
      (e: unknown) => isSluiceError(e, 'INVALID_ROW') && /id/.test(String(e)),
    )
    assert.throws(
      () => stream.addData({ word: 'a' }),
      (e: unknown) => isSluiceError(e, 'INVALID_ROW'),
    )
    assert.equal(stream.currentOffset, -1, 'a rejected addData adds nothing')
  })

  it('wakes its queries on addData until they stop', async () => {
    const stream = new MemoryStream(Schema)
    const source = stream.createSource(sourceContext({}), Schema)
    assert.ok(isNotifyingSource(source))
    let wakes = 0
    source.onNewData(() => wakes++)
    stream.addData({ id: 1 })
    await source.stop()
    stream.addData({ id: 2 })
    assert.equal(wakes, 1)
  })

  it('fixes the end at prepareForAvailableNow', async () => {
    const stream = new MemoryStream(Schema)
    stream.addData({ id: 1 })
    const source = stream.createSource(sourceContext({}), Schema)
    assert.ok(isAvailableNowSource(source))
    await source.prepareForAvailableNow()
    stream.addData({ id: 2 })
    assert.equal(await source.latestOffset(-1, READ_ALL), 0)
  })

  it('is the provider of its own relation, with no options and no user schema', () => {
    const stream = new MemoryStream(Schema)
    assert.equal(stream.schema({}, undefined), Schema)
    assert.equal(stream.description, 'MemoryStream[id,word]')
    assert.throws(
      () => stream.validate({ path: '/x' }),
      (e: unknown) => isSluiceError(e, 'INVALID_OPTION'),
    )
    assert.throws(
      () => stream.schema({}, Schema),
      (e: unknown) => isSluiceError(e, 'UNSUPPORTED_OPERATION'),
    )
  })
})
