import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { noopSinkProvider } from '../../../../src/connectors/noop/noop-sink.ts'
import { isSluiceError } from '../../../../src/errors.ts'
import { contractBatch, sinkContract } from '../../../contract/sink-contract.ts'
import { sinkContext } from '../fake-context.ts'

sinkContract(
  'noop',
  () => {
    const ctx = sinkContext()
    return {
      create: () => noopSinkProvider.createSink(ctx),
      output: () => [ctx.printed, ctx.tables.schemas.size],
    }
  },
  { guarantee: 'none' },
)

describe('noop sink', () => {
  it('writes, prints and registers nothing', async () => {
    const ctx = sinkContext({}, 'q')
    const sink = noopSinkProvider.createSink(ctx)
    await sink.addBatch(contractBatch(0))
    assert.deepEqual(ctx.printed, [])
    assert.equal(ctx.tables.schemas.size, 0)
    assert.equal(sink.description, 'NoopTable')
  })

  it('rejects unknown options', () => {
    assert.throws(
      () => noopSinkProvider.validate({ path: 'x' }),
      (e: unknown) => isSluiceError(e, 'INVALID_OPTION'),
    )
  })
})
