/**
 * Retention for short runs: a stateful query that only ever runs for less than
 * `stateStore.maintenanceInterval` (here: short `availableNow` runs on the system clock, each far
 * under the 60 s default) still gets snapshots and old deltas deleted, so its state folder stays
 * bounded, and a restart after many such runs gives exactly the counts a plain computation gives.
 */
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { withTempDir } from '../harness/temp-dir.ts'
import { pipeline, runBatches } from './pipeline.ts'

const RUNS = 40
const RETAIN = 5

/** State files (deltas and snapshots) of every partition of operator 0, by partition. */
async function stateFiles(checkpoint: string): Promise<Map<string, string[]>> {
  const dir = join(checkpoint, 'state', '0')
  const out = new Map<string, string[]>()
  for (const p of await readdir(dir)) {
    if (p === '_metadata') continue
    out.set(
      p,
      (await readdir(join(dir, p))).filter((f) => f.endsWith('.delta') || f.endsWith('.snapshot')),
    )
  }
  return out
}

describe('state retention for short runs', () => {
  it(`${RUNS} short availableNow runs keep each partition's state files bounded and restart exact`, () =>
    withTempDir(async (dir) => {
      const p = await pipeline(dir, 'stateful')
      await runBatches(p, 0, RUNS, { 'sluice.sql.streaming.minBatchesToRetain': RETAIN })
      const files = await stateFiles(p.checkpoint)
      assert.equal(files.size, 2)
      for (const [partition, names] of files) {
        // At most a snapshot, the minDeltasForSnapshot (10) deltas after it, and the retained ones.
        assert.ok(names.length <= 10 + RETAIN + 2, `partition ${partition}: ${names.length} files`)
        assert.ok(
          names.some((n) => n.endsWith('.snapshot')),
          `partition ${partition}: ${names.join(' ')}`,
        )
      }
      // Every run adds b once and a once (twice when the run's number is odd).
      const odd = Math.floor(RUNS / 2)
      assert.deepEqual(p.batches.at(-1), [`a=${RUNS + odd}`, `b=${RUNS}`])
    }))
})
