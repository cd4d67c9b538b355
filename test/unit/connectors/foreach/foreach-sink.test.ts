import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  ForeachBatchSink,
  foreachBatchSinkProvider,
} from '../../../../src/connectors/foreach/foreach-batch-sink.ts'
import {
  ForeachSink,
  type ForeachWriter,
  foreachSinkProvider,
} from '../../../../src/connectors/foreach/foreach-sink.ts'
import type { SinkBatch } from '../../../../src/connectors/spi.ts'
import { isSluiceError, SluiceError } from '../../../../src/errors.ts'
import { contractBatch, sinkContract } from '../../../contract/sink-contract.ts'
import { sinkContext } from '../fake-context.ts'

sinkContract(
  'foreachBatch',
  () => {
    const seen: number[] = []
    const provider = foreachBatchSinkProvider((b) => {
      seen.push(b.batchId)
    })
    return { create: () => provider.createSink(sinkContext()), output: () => [...seen] }
  },
  { guarantee: 'at-least-once' },
)

sinkContract(
  'foreach',
  () => {
    const seen: unknown[] = []
    const provider = foreachSinkProvider({ process: (row) => void seen.push(row) })
    return { create: () => provider.createSink(sinkContext()), output: () => [...seen] }
  },
  { guarantee: 'at-least-once' },
)

/** A writer that logs its calls; `failOn` makes process throw for that id. */
function loggingWriter(log: string[], opts: { open?: boolean; failOn?: number } = {}): ForeachWriter {
  return {
    open: async (partitionId, epochId) => {
      log.push(`open(${partitionId}, ${epochId})`)
      return opts.open ?? true
    },
    process: (row) => {
      if (row.id === opts.failOn) throw new Error(`bad row ${row.id}`)
      log.push(`process(${JSON.stringify(row)})`)
    },
    close: (error) => {
      log.push(`close(${error === null ? 'null' : error.message})`)
    },
  }
}

describe('foreachBatch sink', () => {
  it('hands each batch to the function and waits for it', async () => {
    const got: SinkBatch[] = []
    let finished = false
    const sink = new ForeachBatchSink(async (b) => {
      got.push(b)
      await Promise.resolve()
      finished = true
    })
    const batch = contractBatch(4)
    await sink.addBatch(batch)
    assert.deepEqual(got, [batch])
    assert.ok(finished)
  })

  it('fails the batch with the function’s error, wrapped as UDF_FAILED', async () => {
    const sink = new ForeachBatchSink(() => {
      throw new Error('disk full')
    })
    await assert.rejects(
      sink.addBatch(contractBatch(2)),
      (e: unknown) =>
        isSluiceError(e, 'UDF_FAILED') &&
        /foreach batch sink \(batch 2\)\. Reason: disk full/.test(String(e)),
    )
    const own = new SluiceError('INVALID_ROW', 'x')
    const passing = new ForeachBatchSink(() => {
      throw own
    })
    await assert.rejects(passing.addBatch(contractBatch(0)), (e: unknown) => e === own)
  })
})

describe('foreach sink', () => {
  it('opens partition 0 with the batch id, processes rows as objects, then closes', async () => {
    const log: string[] = []
    await new ForeachSink(loggingWriter(log)).addBatch(contractBatch(3))
    assert.deepEqual(log, [
      'open(0, 3)',
      'process({"id":30,"name":"a3"})',
      'process({"id":31,"name":null})',
      'close(null)',
    ])
  })

  it('skips the rows but still closes when open returns false', async () => {
    const log: string[] = []
    await new ForeachSink(loggingWriter(log, { open: false })).addBatch(contractBatch(1))
    assert.deepEqual(log, ['open(0, 1)', 'close(null)'])
  })

  it('closes with the error and rethrows it when process fails', async () => {
    const log: string[] = []
    await assert.rejects(
      new ForeachSink(loggingWriter(log, { failOn: 11 })).addBatch(contractBatch(1)),
      /bad row 11/,
    )
    assert.deepEqual(log, ['open(0, 1)', 'process({"id":10,"name":"a1"})', 'close(bad row 11)'])
  })

  it('works with a writer that has only process', async () => {
    const rows: unknown[] = []
    await new ForeachSink({ process: (r) => void rows.push(r) }).addBatch(contractBatch(0))
    assert.deepEqual(rows, [
      { id: 0, name: 'a0' },
      { id: 1, name: null },
    ])
  })

  it('rejects unknown options', () => {
    const provider = foreachSinkProvider({ process: () => {} })
    assert.throws(
      () => provider.validate({ numRows: '1' }),
      (e: unknown) => isSluiceError(e, 'INVALID_OPTION'),
    )
  })
})
