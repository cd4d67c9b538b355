/**
 * Unix-time helpers: Spark's `from_unixtime` and `unix_timestamp` on timestamps.
 */
import { compileFormatter } from './format.ts'

/** Spark's default pattern for `from_unixtime` and `unix_timestamp`. */
export const DEFAULT_UNIX_PATTERN = 'yyyy-MM-dd HH:mm:ss'

/**
 * Spark's `from_unixtime`: formats whole seconds since the epoch in a zone. A fractional input is
 * truncated toward zero, as Spark's implicit cast to BIGINT does.
 *
 * @example fromUnixtime(0, 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles') // '1969-12-31 16:00:00'
 */
export function fromUnixtime(seconds: number, pattern: string = DEFAULT_UNIX_PATTERN, zone = 'UTC'): string {
  return compileFormatter(pattern)(Math.trunc(seconds) * 1000, zone)
}

/**
 * Spark's `unix_timestamp` / `to_unix_timestamp` of a timestamp: whole seconds since the epoch, truncated
 * toward zero (Spark divides the microseconds with Java's `/`), so -1 ms gives 0 and -1500 ms gives -1.
 *
 * @example unixTimestamp(-1) // 0
 */
export function unixTimestamp(ms: number): number {
  return Math.trunc(ms / 1000) + 0
}

/**
 * Spark's `unix_seconds`: whole seconds since the epoch, rounded down (`Math.floorDiv`), so -1 ms is -1.
 *
 * @example unixSeconds(-1) // -1
 */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000)
}
