import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { consoleSinkProvider } from '../../../../src/connectors/console/console-sink.ts'
import { isSluiceError } from '../../../../src/errors.ts'
import { field, structOf, t } from '../../../../src/schema/data-type.ts'
import { sinkContract } from '../../../contract/sink-contract.ts'
import { sinkContext } from '../fake-context.ts'

sinkContract(
  'console',
  () => {
    const ctx = sinkContext()
    return { create: () => consoleSinkProvider.createSink(ctx), output: () => ctx.printed.join('') }
  },
  { guarantee: 'none' },
)

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz'

describe('console sink', () => {
  it('prints a truncated batch exactly as Spark does', async () => {
    // Captured from PySpark 4: rate-micro-batch (rowsPerBatch 3, startTimestamp 1000) selecting
    // value, timestamp, concat('abc...z', value) AS s, CAST(NULL AS STRING) AS n, to
    // writeStream.format('console').option('numRows', '2'), session time zone UTC.
    const ctx = sinkContext({ numRows: '2' })
    const sink = consoleSinkProvider.createSink(ctx)
    const schema = structOf([
      field('value', t.long()),
      field('timestamp', t.timestamp()),
      field('s', t.string()),
      field('n', t.string()),
    ])
    const rows = [0, 1, 2].map((v) => [v, 1000, `${ALPHABET}${v}`, null])
    await sink.addBatch({ batchId: 0, schema, rows, outputMode: 'append' })
    assert.deepEqual(ctx.printed, [
      '-------------------------------------------\n' +
        'Batch: 0\n' +
        '-------------------------------------------\n' +
        '+-----+-------------------+--------------------+----+\n' +
        '|value|          timestamp|                   s|   n|\n' +
        '+-----+-------------------+--------------------+----+\n' +
        '|    0|1970-01-01 00:00:01|abcdefghijklmnopq...|NULL|\n' +
        '|    1|1970-01-01 00:00:01|abcdefghijklmnopq...|NULL|\n' +
        '+-----+-------------------+--------------------+----+\n' +
        'only showing top 2 rows\n',
    ])
  })

  it('prints a whole batch left-aligned with truncate false, then a blank line, as Spark does', async () => {
    // Captured from PySpark 4: option('truncate', 'false'), batch 0 of values 0..2.
    const ctx = sinkContext({ truncate: 'false' })
    const sink = consoleSinkProvider.createSink(ctx)
    const schema = structOf([field('value', t.long())])
    await sink.addBatch({ batchId: 0, schema, rows: [[0], [1], [2]], outputMode: 'append' })
    assert.deepEqual(ctx.printed, [
      '-------------------------------------------\n' +
        'Batch: 0\n' +
        '-------------------------------------------\n' +
        '+-----+\n' +
        '|value|\n' +
        '+-----+\n' +
        '|0    |\n' +
        '|1    |\n' +
        '|2    |\n' +
        '+-----+\n' +
        '\n',
    ])
  })

  it('prints the batch id and an empty table for an empty batch', async () => {
    const ctx = sinkContext()
    const sink = consoleSinkProvider.createSink(ctx)
    await sink.addBatch({
      batchId: 7,
      schema: structOf([field('id', t.int())]),
      rows: [],
      outputMode: 'update',
    })
    assert.equal(
      ctx.printed[0],
      `${'-'.repeat(43)}\nBatch: 7\n${'-'.repeat(43)}\n+---+\n| id|\n+---+\n+---+\n\n`,
    )
  })

  it('validates numRows and truncate', () => {
    const invalid = (options: Record<string, string>, text: string) =>
      assert.throws(
        () => consoleSinkProvider.validate(options),
        (e: unknown) => isSluiceError(e, 'INVALID_OPTION') && String(e).includes(text),
      )
    invalid({ numRows: 'x' }, "Invalid value 'x' for option 'numRows'")
    invalid({ numRows: '-1' }, 'numRows')
    invalid({ truncate: 'yes' }, "expected 'true' or 'false'")
    invalid({ numrow: '5' }, "Did you mean 'numRows'?")
    consoleSinkProvider.validate({ NUMROWS: '5', truncate: 'FALSE', checkpointLocation: '/tmp/c' })
  })

  it('describes itself as Spark’s ConsoleWriter', () => {
    const sink = consoleSinkProvider.createSink(sinkContext({ numRows: '5' }))
    assert.equal(sink.description, 'ConsoleWriter[numRows=5, truncate=true]')
  })
})
