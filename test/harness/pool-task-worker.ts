/**
 * A worker module for the worker pool's tests (test/unit/io/worker-pool.test.ts): answers its
 * thread id, throws a SluiceError (answered as data), or ends its thread.
 */
import { threadId } from 'node:worker_threads'
import { SluiceError } from '../../src/errors.ts'
import { failureOf, type TaskFailure } from '../../src/io/worker-pool.ts'

export type PoolTestTask =
  | { readonly kind: 'threadId' }
  | { readonly kind: 'throw' }
  | { readonly kind: 'exit' }

export default function poolTask(task: PoolTestTask): number | TaskFailure {
  if (task.kind === 'exit') process.exit(7)
  if (task.kind === 'throw') {
    return failureOf(
      new SluiceError('MALFORMED_RECORD', 'Cannot read Parquet file /in/bad.parquet: no footer.'),
    )
  }
  return threadId
}
