import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import { col, t, udf } from '../../../src/index.ts'
import {
  addData,
  advanceClock,
  assertOnQuery,
  assertProgress,
  checkAnswer,
  checkLastBatch,
  checkNewAnswer,
  execute,
  expectFailure,
  StreamTestError,
  startStream,
  stopStream,
  testStream,
  testStreamWithRestarts,
} from '../../../src/testing/index.ts'
import { streamSession } from '../../stream/session.ts'

const N = t.struct({ n: t.long() })

function setup() {
  const s = streamSession()
  const input = s.sluice.memoryStream(N)
  return { ...s, input }
}

describe('testStream', () => {
  it('starts the query before the first check and stops it at the end', async () => {
    const { sluice, input } = setup()
    let seen: string | null = null
    await testStream(
      input.toDF(),
      {},
      addData(input, { n: 1 }),
      checkAnswer({ n: 1 }),
      execute((q) => {
        seen = q?.isActive ? q.id : null
      }),
    )
    assert.notEqual(seen, null)
    assert.deepEqual(sluice.streams.active, [])
  })

  it('keeps the sink across stop and start, which resume from the checkpoint', async () => {
    const { input } = setup()
    const ids: string[] = []
    await testStream(
      input.toDF().filter(col('n').gt(1)),
      {},
      addData(input, { n: 1 }, { n: 2 }),
      checkAnswer({ n: 2 }),
      assertOnQuery((q) => void ids.push(q.id)),
      stopStream(),
      addData(input, { n: 3 }),
      startStream(),
      checkLastBatch({ n: 3 }),
      checkAnswer({ n: 2 }, { n: 3 }),
      assertOnQuery((q) => void ids.push(q.id)),
    )
    assert.equal(ids.length, 2)
    assert.equal(ids[0], ids[1])
  })

  it('checkNewAnswer sees only the rows written since the previous check', async () => {
    const { input } = setup()
    await testStream(
      input.toDF(),
      {},
      addData(input, { n: 1 }),
      checkNewAnswer({ n: 1 }),
      addData(input, { n: 2 }),
      addData(input, { n: 3 }),
      checkNewAnswer({ n: 2 }, { n: 3 }),
      checkNewAnswer(),
      checkAnswer([{ n: 1 }, { n: 2 }, { n: 3 }], { ordered: true }),
    )
  })

  it('compares with SQL value equality (NaN = NaN, -0.0 = 0.0)', async () => {
    const { sluice } = setup()
    const input = sluice.memoryStream(t.struct({ d: t.double() }))
    await testStream(
      input.toDF(),
      {},
      addData(input, { d: Number.NaN }, { d: -0 }),
      checkAnswer({ d: 0 }, { d: Number.NaN }),
    )
  })

  it('fails with the steps listed, the failing one marked, the sink and the last progress', async () => {
    const { sluice, input } = setup()
    const error = await testStream(
      input.toDF(),
      {},
      addData(input, { n: 1 }),
      checkAnswer({ n: 2 }),
      addData(input, { n: 3 }),
    ).then(
      () => null,
      (e: unknown) => e,
    )
    assert.ok(error instanceof StreamTestError)
    const lines = error.message.split('\n')
    assert.match(error.message, /^Results do not match/)
    assert.ok(lines.includes('   StartStream()'))
    assert.ok(lines.includes('   AddData to MemoryStream[n]: {n: 1}'))
    assert.ok(lines.includes('=> CheckAnswer: {n: 2}'))
    assert.ok(lines.includes('   AddData to MemoryStream[n]: {n: 3}'))
    assert.ok(lines.includes('0: {n: 1}'), 'the sink, batch by batch')
    assert.match(error.message, /== Last progress ==\n\{\n {2}"id": /)
    assert.match(error.message, /== Plan ==/)
    assert.deepEqual(sluice.streams.active, [], 'the query is stopped after a failure too')
  })

  it('deletes its temporary checkpoint afterwards, also after a failure', async () => {
    const { input } = setup()
    const dirs: string[] = []
    const keep = execute((_q, ctx) => void dirs.push(ctx.checkpointLocation))
    await testStream(input.toDF(), {}, keep, addData(input, { n: 1 }), checkAnswer({ n: 1 }))
    await assert.rejects(testStream(input.toDF(), {}, keep, checkAnswer({ n: 7 })), StreamTestError)
    assert.equal(dirs.length, 2)
    assert.notEqual(dirs[0], dirs[1])
    for (const d of dirs) assert.equal(existsSync(d), false)
  })

  it('expectFailure passes when the query fails, and fails when it runs on', async () => {
    const { input } = setup()
    const boom = udf((n: number) => {
      if (n < 0) throw new Error('negative input')
      return n
    }, t.long())
    const df = input.toDF().select(boom('n').as('n'))
    await testStream(
      df,
      {},
      addData(input, { n: 1 }),
      checkAnswer({ n: 1 }),
      addData(input, { n: -1 }),
      expectFailure((e) => e.message.includes('negative input')),
    )
    // A fresh input: the first one's rows (n = -1) would fail this query too.
    const quiet = setup().input.toDF().select(boom('n').as('n'))
    await assert.rejects(testStream(quiet, {}, startStream(), expectFailure()), (e: Error) =>
      e.message.startsWith('Expected the query to fail, but it processed all available data'),
    )
  })

  it('fails a script whose query fails with no expectFailure, naming the error', async () => {
    const { input } = setup()
    const boom = udf((_n: number): number => {
      throw new Error('always fails')
    }, t.long())
    await assert.rejects(
      testStream(input.toDF().select(boom('n').as('n')), {}, addData(input, { n: 1 }), checkAnswer({ n: 1 })),
      (e: Error) => /^Query terminated with exception: .*always fails/.test(e.message),
    )
  })

  it('refuses steps that cannot run: stop when stopped, a second start, advanceClock with no ManualClock', async () => {
    const { input } = setup()
    await assert.rejects(testStream(input.toDF(), {}, stopStream(), stopStream()), {
      message: /^Can not stop a stream/,
    })
    await assert.rejects(testStream(input.toDF(), {}, startStream(), startStream()), {
      message: /^Stream already running/,
    })
    await assert.rejects(testStream(input.toDF(), {}, advanceClock(10)), {
      message: /^advanceClock\(\) needs the session ManualClock/,
    })
  })

  it('fails an assertion that returns false or throws, with its message', async () => {
    const { input } = setup()
    await assert.rejects(
      testStream(
        input.toDF(),
        {},
        addData(input, { n: 1 }),
        assertProgress((p) => p.numInputRows === 5, 'five rows'),
      ),
      { message: /^Assert on progress failed: five rows/ },
    )
    await assert.rejects(
      testStream(
        input.toDF(),
        {},
        assertOnQuery(() => {
          throw new Error('inner')
        }, 'boom'),
      ),
      { message: /^Assert on query failed: boom: inner/ },
    )
  })

  it('advances the manual clock once the query waits on it', async () => {
    const { clock, input } = setup()
    await testStream(
      input.toDF(),
      { clock },
      startStream({ trigger: { processingTime: '10 seconds' } }),
      advanceClock(10_000),
      advanceClock(10_000),
      // Each advance waited for the query to be back on the clock: it waits there now, batchless.
      assertOnQuery(
        (q) => clock.now() === 20_000 && clock.waiterCount === 1 && q.recentProgress.length === 0,
      ),
    )
  })
})

describe('testStreamWithRestarts', () => {
  it('runs the script as written, then with a restart after every action, on fresh inputs', async () => {
    const { input } = setup()
    const runIds: string[][] = [[], []]
    let pass = 0
    const note = execute((q) => void runIds[pass].push(q?.runId ?? ''))
    await testStreamWithRestarts(
      input.toDF().withColumn('m', col('n').multiply(10)),
      {},
      addData(input, { n: 1 }),
      note,
      checkAnswer({ n: 1, m: 10 }),
      addData(input, { n: 2 }),
      note,
      checkAnswer({ n: 1, m: 10 }, { n: 2, m: 20 }),
      execute(() => void pass++),
    )
    assert.equal(pass, 2, 'the script ran twice')
    assert.equal(new Set(runIds[0]).size, 1, 'one run when played as written')
    assert.equal(new Set(runIds[1]).size, 2, 'a new run after each restart')
    assert.equal(input.addData({ n: 9 }), 2, 'the second pass added to copies, not to the input')
  })

  it('says when only the restarted pass fails', async () => {
    const { input } = setup()
    await assert.rejects(
      testStreamWithRestarts(
        input.toDF(),
        {},
        addData(input, { n: 1 }),
        checkAnswer({ n: 1 }),
        assertOnQuery((q) => q.recentProgress.length === 1, 'one batch in this run'),
      ),
      { message: /^With a restart after every action: Assert on query failed: one batch in this run/ },
    )
  })
})
