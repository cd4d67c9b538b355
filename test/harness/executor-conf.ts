/**
 * The `sluice.executor.threads` the stream and crash tests run with, from
 * `SLUICE_TEST_EXECUTOR_THREADS` (default 1: every read on the main thread, as before threads).
 * With 2 or more, `sluice.executor.parallelReadMinBytes` is 0, so every file-source batch with two
 * or more files (or Parquet row groups) really decodes on the workers, however small:
 *
 *     SLUICE_TEST_EXECUTOR_THREADS=2 npx node --test test/stream/file-*.test.ts test/crash/*.test.ts
 *
 * `npm test` runs everything with 1, then those files (the file sources are what threads change so
 * far) with 2.
 */

/** The threads the tests' sessions get. */
export const TEST_EXECUTOR_THREADS = Number(process.env.SLUICE_TEST_EXECUTOR_THREADS ?? '1')

/** The executor settings every test session of the matrix shares (spread into `Sluice.local`). */
export const EXECUTOR_TEST_CONF = Object.freeze(
  TEST_EXECUTOR_THREADS === 1
    ? { 'sluice.executor.threads': 1 }
    : { 'sluice.executor.threads': TEST_EXECUTOR_THREADS, 'sluice.executor.parallelReadMinBytes': 0 },
)
