/**
 * What a streaming query refuses, and where: plans that cannot run as a stream are refused by
 * `start()` with UNSUPPORTED_OPERATION naming the operation (Spark's UnsupportedOperationChecker;
 * stateful operators are refused until Sluice has its state store), batch actions on a stream fail
 * at once, and bad sink options name the option.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { count, type DataFrame, isSluiceError, t } from '../../src/index.ts'
import { streamSession } from './session.ts'

const KV = t.struct({ k: t.string(), v: t.long() })

function setup() {
  const s = streamSession()
  const input = s.sluice.memoryStream(KV)
  const other = s.sluice.memoryStream(KV)
  const table = s.sluice.createDataFrame([{ k: 'a', v: 1 }], KV)
  return { ...s, df: input.toDF(), other: other.toDF(), table }
}

/** start() on a memory sink in `mode` must reject with `code` and a message matching `message`. */
async function refusedAtStart(
  sluice: ReturnType<typeof setup>['sluice'],
  df: DataFrame<any>,
  code: 'UNSUPPORTED_OPERATION' | 'INVALID_OPTION',
  message: RegExp,
  mode: 'append' | 'complete' | 'update' = 'append',
): Promise<void> {
  await assert.rejects(
    df.writeStream.format('memory').queryName('refused').outputMode(mode).start(),
    (e: unknown) => {
      assert.ok(isSluiceError(e, code), String(e))
      assert.match(e.message, message)
      return true
    },
  )
  assert.deepEqual(sluice.streams.active, [], 'nothing is left running')
}

describe('operations a streaming query refuses at start()', () => {
  it('a streaming aggregation in append mode without a watermark, with Spark’s message', async () => {
    const { sluice, df } = setup()
    await refusedAtStart(
      sluice,
      df.groupBy('k').agg(count('*').as('n')),
      'UNSUPPORTED_OPERATION',
      /Append output mode not supported when there are streaming aggregations on streaming DataFrames without watermark/,
    )
  })

  it('two chained aggregations outside append mode', async () => {
    const { sluice, df } = setup()
    await refusedAtStart(
      sluice,
      df.groupBy('k').agg(count('*').as('n')).groupBy('n').agg(count('*').as('m')),
      'UNSUPPORTED_OPERATION',
      /Multiple streaming aggregations are only supported in append output mode/,
      'complete',
    )
  })

  it('orderBy, with Spark’s message', async () => {
    const { sluice, df } = setup()
    await refusedAtStart(
      sluice,
      df.orderBy('v'),
      'UNSUPPORTED_OPERATION',
      /Sorting is not supported on streaming DataFrames, unless it is on an aggregated DataFrame in complete output mode/,
    )
  })

  it('limit, and dropDuplicatesWithinWatermark without a watermark', async () => {
    const { sluice, df } = setup()
    await refusedAtStart(sluice, df.limit(2), 'UNSUPPORTED_OPERATION', /limit\(\)/)
    await refusedAtStart(
      sluice,
      df.dropDuplicatesWithinWatermark(['k']),
      'UNSUPPORTED_OPERATION',
      /dropDuplicatesWithinWatermark is not supported on streaming DataFrames without a watermark/,
    )
  })

  it('complete output mode without an aggregation', async () => {
    const { sluice, df } = setup()
    await refusedAtStart(
      sluice,
      df.select('k'),
      'UNSUPPORTED_OPERATION',
      /Complete output mode not supported when there are no streaming aggregations/,
      'complete',
    )
  })

  it('a stream-stream join in complete mode (more cases: stream-join-refused.test.ts)', async () => {
    const { sluice, df, other } = setup()
    await refusedAtStart(
      sluice,
      df.join(other, 'k'),
      'UNSUPPORTED_OPERATION',
      /Inner join between two streaming DataFrames\/Datasets is not supported in Complete output mode, only in Append and Update output modes/,
      'complete',
    )
  })

  it('outer joins that would have to emit unmatched rows of the static side', async () => {
    const { sluice, df, table } = setup()
    await refusedAtStart(
      sluice,
      df.join(table, 'k', 'full_outer'),
      'UNSUPPORTED_OPERATION',
      /A full join with a streaming DataFrame on the left and a static one on the right is not supported/,
    )
    await refusedAtStart(sluice, df.join(table, 'k', 'right'), 'UNSUPPORTED_OPERATION', /A right join/)
    await refusedAtStart(
      sluice,
      table.join(df, 'k', 'left'),
      'UNSUPPORTED_OPERATION',
      /A left join with a streaming DataFrame on the right/,
    )
  })

  it('writeStream on a batch DataFrame', async () => {
    const { sluice, table } = setup()
    await refusedAtStart(
      sluice,
      table,
      'UNSUPPORTED_OPERATION',
      /writeStream can only be used on a streaming DataFrame/,
    )
  })
})

describe('batch actions on a streaming DataFrame', () => {
  it('collect(), count() and show() say to run it with writeStream.start()', () => {
    const { df } = setup()
    for (const action of [() => df.collect(), () => df.count(), () => df.show()]) {
      assert.throws(action, (e: unknown) => {
        assert.ok(isSluiceError(e, 'UNSUPPORTED_OPERATION'), String(e))
        assert.match(e.message, /Queries with streaming sources must be executed with writeStream\.start\(\)/)
        return true
      })
    }
  })
})

describe('sink options', () => {
  it('foreachBatch and foreach run on a temporary checkpoint when none is given, as Spark’s', async () => {
    const { df } = setup()
    const a = await df.writeStream.foreachBatch(() => undefined).start()
    await a.stop()
    const b = await df.writeStream.foreach({ process: () => undefined }).start()
    await b.stop()
  })

  it('an unknown sink format lists the formats there are', async () => {
    const { df } = setup()
    await assert.rejects(df.writeStream.format('parquett').start(), (e: unknown) => {
      assert.ok(isSluiceError(e, 'INVALID_OPTION'), String(e))
      assert.match(e.message, /parquett/)
      for (const name of ['console', 'memory', 'noop']) assert.ok(e.message.includes(name), e.message)
      return true
    })
  })

  it('an unknown source format lists the formats there are', () => {
    const { sluice } = setup()
    assert.throws(
      () => sluice.readStream.format('kafak').load(),
      (e: unknown) => {
        assert.ok(isSluiceError(e, 'INVALID_OPTION'), String(e))
        for (const name of ['rate', 'rate-micro-batch', 'socket'])
          assert.ok(e.message.includes(name), e.message)
        return true
      },
    )
  })

  it('a memory sink without a queryName says to name the query', async () => {
    const { df } = setup()
    await assert.rejects(df.writeStream.format('memory').start(), (e: unknown) => {
      assert.ok(isSluiceError(e, 'INVALID_OPTION'), String(e))
      assert.match(e.message, /queryName must be specified for memory sink/)
      return true
    })
  })
})
