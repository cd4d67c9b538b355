/**
 * Rows as columns for the trip back from a worker (row-columns.ts): every value comes back exactly
 * (-0, NaN, nulls, binary, nested, a column of mixed kinds), through a real worker thread too.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads'
import {
  buffersOf,
  columnsOf,
  type RowColumns,
  rowsInto,
} from '../../../../src/connectors/file/row-columns.ts'

const ROWS: unknown[][] = [
  [1, -0, true, 'a', new Uint8Array([1, 2]), null, { x: [1] }, 1],
  [null, Number.NaN, null, null, null, null, null, 'one'],
  [2 ** 53 - 1, 1.5, false, 'é', new Uint8Array(), null, { x: [] }, false],
]

const back = (c: RowColumns) => {
  const out: unknown[][] = new Array(c.rows)
  assert.equal(rowsInto(c, out, 0), c.rows)
  return out
}

describe('row columns', () => {
  it('gives back every value exactly, in order', () => {
    const c = columnsOf(ROWS, 8)
    assert.deepEqual(
      c.columns.map((col) => col.kind),
      ['number', 'number', 'boolean', 'any', 'any', 'null', 'any', 'any'],
    )
    const rows = back(c)
    assert.deepEqual(rows, ROWS)
    assert.ok(Object.is(rows[0][1], -0))
    assert.ok(Number.isNaN(rows[1][1]))
  })

  it('moves its typed arrays through a message port, and the rows come back the same', () => {
    const c = columnsOf(ROWS, 8)
    const { port1, port2 } = new MessageChannel()
    port1.postMessage(c, buffersOf(c))
    assert.equal((c.columns[0] as { values: Float64Array }).values.length, 0, 'moved, not copied')
    const received = receiveMessageOnPort(port2)?.message as RowColumns
    port1.close()
    assert.deepEqual(back(received), ROWS)
  })

  it('writes several replies one after another into one batch', () => {
    const out: unknown[][] = new Array(5)
    const at = rowsInto(columnsOf(ROWS.slice(0, 2), 8), out, 0)
    assert.equal(at, 2)
    assert.equal(rowsInto(columnsOf([...ROWS, ROWS[0]].slice(2), 8), out, at), 4)
    assert.equal(rowsInto(columnsOf([], 8), out, 4), 4)
    assert.deepEqual(out.slice(0, 4), [...ROWS, ROWS[0]])
  })
})
