/** The foreach sinks take no options of their own, only the writer's. */
import { readOptions, WRITER_OPTIONS } from '../connector-options.ts'

/**
 * Throws INVALID_OPTION for any option beyond `queryName` and `checkpointLocation`.
 *
 * @example
 * checkSinkOptions('foreach sink', { checkpointLocation: '/tmp/c' }) // ok
 */
export function checkSinkOptions(sink: string, options: Readonly<Record<string, string>>): void {
  readOptions(sink, options, WRITER_OPTIONS)
}
