import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ExecNode, RowBatch } from '../../../../src/exec/exec-node.ts'
import { LocalScanExec } from '../../../../src/exec/ops/basic-ops.ts'
import { mergeSessions, SessionWindowExec } from '../../../../src/exec/ops/session-window-exec.ts'
import { boundLiteral, boundRef } from '../../../../src/functions/bound-expr.ts'
import { t } from '../../../../src/schema/data-type.ts'

const MIN = 60_000
const ctx = { runtime: { currentTimestamp: 0 } }
const scan = (rows: unknown[][]): ExecNode => new LocalScanExec(rows)
const time = boundRef(0, 'ts', t.timestamp(), true)
const key = boundRef(1, 'k', t.string(), true)
const gapOf = (ms: number | null) => boundLiteral(ms, t.interval())

describe('mergeSessions', () => {
  it('merges a session starting exactly at the previous end and keeps the latest end', () => {
    const out: RowBatch = []
    const rows = [0, 5, 20, 9].map((m) => [m])
    const pending = rows.map((row) => ({ row, start: row[0] * MIN, end: row[0] * MIN + 5 * MIN }))
    mergeSessions(pending, out)
    assert.deepEqual(out, [
      [0, { start: 0, end: 14 * MIN }],
      [5, { start: 0, end: 14 * MIN }],
      [9, { start: 0, end: 14 * MIN }],
      [20, { start: 20 * MIN, end: 25 * MIN }],
    ])
  })

  it('does not change the input rows', () => {
    const row = [1]
    mergeSessions([{ row, start: 0, end: 1 }], [])
    assert.deepEqual(row, [1])
  })
})

describe('SessionWindowExec', () => {
  it('merges per key and drops rows with a NULL time', () => {
    const input = [
      [0, 'a'],
      [3 * MIN, 'b'],
      [4 * MIN, 'a'],
      [null, 'a'],
      [-2 * MIN, null],
    ]
    const exec = new SessionWindowExec(scan(input), { keys: [key], time, gap: gapOf(5 * MIN) })
    assert.deepEqual(exec.execute(ctx), [
      [0, 'a', { start: 0, end: 9 * MIN }],
      [4 * MIN, 'a', { start: 0, end: 9 * MIN }],
      [3 * MIN, 'b', { start: 3 * MIN, end: 8 * MIN }],
      [-2 * MIN, null, { start: -2 * MIN, end: 3 * MIN }],
    ])
    assert.equal(exec.describe(), 'keys=[k#1], time=ts#0, gap=300000')
  })

  it('reads a per-row gap and drops rows whose gap is NULL, zero or negative', () => {
    const input = [
      [0, 'a', 10 * MIN],
      [2 * MIN, 'a', 0],
      [3 * MIN, 'a', -MIN],
      [4 * MIN, 'a', null],
      [20 * MIN, 'a', MIN],
    ]
    const gap = boundRef(2, 'g', t.interval(), true)
    const exec = new SessionWindowExec(scan(input), { keys: [], time, gap })
    assert.deepEqual(
      exec.execute(ctx).map((r) => r[3]),
      [
        { start: 0, end: 10 * MIN },
        { start: 20 * MIN, end: 21 * MIN },
      ],
    )
  })

  it('groups by several keys together', () => {
    const input = [
      [0, 'a', 1],
      [MIN, 'a', 2],
      [2 * MIN, 'a', 1],
    ]
    const keys = [key, boundRef(2, 'n', t.int(), false)]
    const exec = new SessionWindowExec(scan(input), { keys, time, gap: gapOf(5 * MIN) })
    assert.deepEqual(
      exec.execute(ctx).map((r) => [r[2], r[3]]),
      [
        [1, { start: 0, end: 7 * MIN }],
        [1, { start: 0, end: 7 * MIN }],
        [2, { start: MIN, end: 6 * MIN }],
      ],
    )
  })
})
