/**
 * Stateless streaming queries (Spark's StreamSuite / StreamingInnerJoin stream-static cases): each
 * batch's output depends only on its own rows, so every answer must survive a restart after any
 * step (testStreamWithRestarts).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  array,
  col,
  current_timestamp,
  explode,
  inline,
  json_tuple,
  lit,
  split,
  struct,
  t,
  udf,
  upper,
} from '../../src/index.ts'
import {
  addData,
  checkAnswer,
  checkLastBatch,
  checkNewAnswer,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../src/testing/index.ts'
import { drain, streamSession } from './session.ts'

const Words = t.struct({ id: t.long(), text: t.string() })

describe('stateless streaming queries', () => {
  it('filters and projects each batch, across restarts', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(Words)
    const df = input
      .toDF()
      .filter(col('id').gt(1))
      .select(col('id'), upper(col('text')).as('loud'))
    await testStreamWithRestarts(
      df,
      {},
      addData(input, { id: 1, text: 'a' }, { id: 2, text: 'b' }),
      checkAnswer({ id: 2, loud: 'B' }),
      addData(input, { id: 3, text: 'c' }),
      checkLastBatch({ id: 3, loud: 'C' }),
      checkAnswer({ id: 2, loud: 'B' }, { id: 3, loud: 'C' }),
    )
  })

  it('gives current_timestamp() each batch its own timestamp, whatever else the session runs', async () => {
    const { sluice, clock } = streamSession()
    const input = sluice.memoryStream(t.struct({ n: t.long() }))
    const seen: unknown[] = []
    const q = await input
      .toDF()
      .select(col('n'), current_timestamp().alias('at'))
      .writeStream.foreachBatch((df) => void seen.push(...df.collect()))
      .start()
    clock.advance(5000)
    input.addData({ n: 1 })
    await drain(q)
    // A batch query between two micro-batches has its own current_timestamp().
    clock.advance(1000)
    assert.deepEqual(
      sluice
        .createDataFrame([{ n: 0 }], t.struct({ n: t.long() }))
        .select(current_timestamp().alias('at'))
        .collect(),
      [{ at: 6000 }],
    )
    clock.advance(1000)
    input.addData({ n: 2 })
    await drain(q)
    await q.stop()
    assert.deepEqual(seen, [
      { n: 1, at: 5000 },
      { n: 2, at: 7000 },
    ])
  })

  it('adds columns with withColumn, literals and nulls included', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(t.struct({ n: t.long() }))
    const df = input.toDF().withColumn('twice', col('n').multiply(2)).withColumn('tag', lit('x'))
    await testStreamWithRestarts(
      df,
      {},
      addData(input, { n: 1 }, { n: null }),
      checkAnswer({ n: 1, twice: 2, tag: 'x' }, { n: null, twice: null, tag: 'x' }),
      addData(input, { n: 5 }),
      checkNewAnswer({ n: 5, twice: 10, tag: 'x' }),
    )
  })

  it('explodes arrays into one row per element, per batch', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(Words)
    const df = input.toDF().select(col('id'), explode(split(col('text'), ' ')).as('word'))
    await testStreamWithRestarts(
      df,
      {},
      addData(input, { id: 1, text: 'to be' }),
      checkAnswer({ id: 1, word: 'to' }, { id: 1, word: 'be' }),
      addData(input, { id: 2, text: 'or not' }, { id: 3, text: '' }),
      checkLastBatch({ id: 2, word: 'or' }, { id: 2, word: 'not' }, { id: 3, word: '' }),
    )
  })

  it('runs json_tuple, stack and inline generators on every batch, across restarts', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(Words)
    const fields = input.toDF().select(col('id'), json_tuple(col('text'), 'a', 'b'))
    await testStreamWithRestarts(
      fields,
      {},
      addData(input, { id: 1, text: '{"a":1,"b":"x"}' }),
      checkAnswer({ id: 1, c0: '1', c1: 'x' }),
      addData(input, { id: 2, text: 'not json' }),
      checkLastBatch({ id: 2, c0: null, c1: null }),
    )
    const stacked = input.toDF().selectExpr('id', 'stack(2, id, text, id * 10, upper(text))')
    await testStreamWithRestarts(
      stacked,
      {},
      addData(input, { id: 3, text: 'q' }),
      checkLastBatch({ id: 3, col0: 3, col1: 'q' }, { id: 3, col0: 30, col1: 'Q' }),
    )
    const inlined = input
      .toDF()
      .select(col('id'), inline(array(struct(col('id').as('n'), col('text').as('s')))))
      .filter(col('n').gt(4))
    await testStreamWithRestarts(
      inlined,
      {},
      addData(input, { id: 4, text: 'd' }, { id: 5, text: 'e' }),
      checkLastBatch({ id: 5, n: 5, s: 'e' }),
    )
  })

  it('calls a udf on every row of every batch', async () => {
    const { sluice } = streamSession()
    const input = sluice.memoryStream(Words)
    const calls: number[] = []
    const shout = udf((id: number, s: string | null) => {
      calls.push(id)
      return s === null ? null : `${s}!`
    }, t.string())
    const df = input.toDF().select(col('id'), shout(col('id'), col('text')).as('s'))
    await testStream(
      df,
      {},
      addData(input, { id: 1, text: 'hi' }, { id: 2, text: null }),
      checkAnswer({ id: 1, s: 'hi!' }, { id: 2, s: null }),
      stopStream(),
      startStream(),
      addData(input, { id: 3, text: 'yo' }),
      checkAnswer({ id: 1, s: 'hi!' }, { id: 2, s: null }, { id: 3, s: 'yo!' }),
    )
    // Data processed before the restart is not processed again after it.
    assert.deepEqual(
      calls.sort((a, b) => a - b),
      [1, 2, 3],
    )
  })

  it('unions two streams, each read from its own offsets', async () => {
    const { sluice } = streamSession()
    const left = sluice.memoryStream(Words)
    const right = sluice.memoryStream(Words)
    await testStreamWithRestarts(
      left.toDF().union(right.toDF()),
      {},
      addData(left, { id: 1, text: 'l1' }),
      checkAnswer({ id: 1, text: 'l1' }),
      addData(right, { id: 2, text: 'r1' }, { id: 3, text: 'r2' }),
      checkNewAnswer({ id: 2, text: 'r1' }, { id: 3, text: 'r2' }),
      addData(left, { id: 4, text: 'l2' }),
      addData(right, { id: 5, text: 'r3' }),
      checkAnswer(
        { id: 1, text: 'l1' },
        { id: 2, text: 'r1' },
        { id: 3, text: 'r2' },
        { id: 4, text: 'l2' },
        { id: 5, text: 'r3' },
      ),
    )
  })
})

describe('stream-static joins', () => {
  const Users = t.struct({ uid: t.long(), name: t.string() })
  const Clicks = t.struct({ uid: t.long(), page: t.string() })

  it('inner-joins each batch with the static side', async () => {
    const { sluice } = streamSession()
    const users = sluice.createDataFrame(
      [
        { uid: 1, name: 'ann' },
        { uid: 2, name: 'bob' },
      ],
      Users,
    )
    const clicks = sluice.memoryStream(Clicks)
    await testStreamWithRestarts(
      clicks.toDF().join(users, 'uid'),
      {},
      addData(clicks, { uid: 1, page: 'home' }, { uid: 3, page: 'lost' }),
      checkAnswer({ uid: 1, page: 'home', name: 'ann' }),
      addData(clicks, { uid: 2, page: 'cart' }, { uid: 1, page: 'buy' }),
      checkLastBatch({ uid: 2, page: 'cart', name: 'bob' }, { uid: 1, page: 'buy', name: 'ann' }),
    )
  })

  it('left-joins the stream to the static side, with nulls for stream rows without a match', async () => {
    const { sluice } = streamSession()
    const users = sluice.createDataFrame([{ uid: 1, name: 'ann' }], Users)
    const clicks = sluice.memoryStream(Clicks)
    await testStreamWithRestarts(
      clicks.toDF().join(users, 'uid', 'left'),
      {},
      addData(clicks, { uid: 1, page: 'home' }, { uid: 9, page: 'lost' }),
      checkAnswer({ uid: 1, page: 'home', name: 'ann' }, { uid: 9, page: 'lost', name: null }),
      addData(clicks, { uid: 9, page: 'again' }),
      checkLastBatch({ uid: 9, page: 'again', name: null }),
    )
  })
})
