/**
 * `createDataFrame(rows, 'k STRING, v BIGINT')`: a DDL schema string, as Spark's createDataFrame
 * takes one (before, JavaScript callers got a raw TypeError from the row encoder).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError, Sluice } from '../../../src/index.ts'

describe('createDataFrame with a DDL schema', () => {
  it('parses the schema and encodes the rows by it', () => {
    const sluice = Sluice.local({ output: () => {} })
    const df = sluice.createDataFrame(
      [
        { k: 'a', v: 1 },
        { k: 'b', v: null },
      ],
      'k STRING, v BIGINT',
    )
    assert.deepEqual(df.collect(), [
      { k: 'a', v: 1 },
      { k: 'b', v: null },
    ])
    assert.deepEqual(
      df.schema.fields.map((f) => [f.name, f.type.kind]),
      [
        ['k', 'string'],
        ['v', 'long'],
      ],
    )
  })

  it('refuses a malformed schema with a SluiceError', () => {
    const sluice = Sluice.local({ output: () => {} })
    assert.throws(
      () => sluice.createDataFrame([{ k: 'a' }], 'k STRING,, v'),
      (e: unknown) => isSluiceError(e),
    )
  })
})
