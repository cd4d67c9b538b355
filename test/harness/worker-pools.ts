/** Worker pools made during a test file, closed by one `after` hook when the file ends. */
import { after } from 'node:test'
import { WorkerPool } from '../../src/io/worker-pool.ts'

/**
 * A maker of worker pools (`threads`, and the fewest bytes a read takes to go to them, 0 by
 * default so tests really use the workers), each closed when the test file ends.
 *
 * @example
 * const pool = poolsClosedAfter()
 * const executor = pool(2)
 */
export function poolsClosedAfter(): (threads: number, minBytes?: number) => WorkerPool {
  const pools: WorkerPool[] = []
  after(async () => {
    for (const p of pools) await p.close()
  })
  return (threads, minBytes = 0) => {
    const p = new WorkerPool(threads, minBytes)
    pools.push(p)
    return p
  }
}
