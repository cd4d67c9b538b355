/**
 * `format('rate-micro-batch')`: options as Spark's `RatePerMicroBatchProvider` — `rowsPerBatch`
 * (required in effect: Spark's default 0 fails its "must be positive" check), `numPartitions`
 * (default 1, > 0), `startTimestamp` (default 0, >= 0), `advanceMillisPerBatch` (default 1000,
 * >= 0, a 32-bit int). Columns `timestamp` and `value`, as the rate source's.
 */
import type { StructType } from '../../schema/data-type.ts'
import { readOptions, userSchemaNotSupported } from '../connector-options.ts'
import { RATE_SCHEMA } from '../rate/rate-source-provider.ts'
import type { SourceProvider } from '../spi.ts'
import { type RateMicroBatchOptions, RateMicroBatchSource } from './rate-micro-batch-source.ts'

const KNOWN = ['rowsPerBatch', 'numPartitions', 'startTimestamp', 'advanceMillisPerBatch']

/**
 * Validates the rate-micro-batch source's options and applies the defaults.
 *
 * @example
 * parseRateMicroBatchOptions({ rowsPerBatch: '10' }).advanceMillisPerBatch // 1000
 */
export function parseRateMicroBatchOptions(options: Readonly<Record<string, string>>): RateMicroBatchOptions {
  const o = readOptions('rate-micro-batch source', options, KNOWN)
  const rowsPerBatch = o.long('rowsPerBatch', 0)
  if (rowsPerBatch <= 0) {
    throw o.get('rowsPerBatch') === undefined
      ? o.invalid(
          'rowsPerBatch',
          "the option is required and must be positive; set it with option('rowsPerBatch', '10')",
        )
      : o.invalid('rowsPerBatch', 'it must be positive')
  }
  const numPartitions = o.int('numPartitions', 1)
  if (numPartitions <= 0) throw o.invalid('numPartitions', 'it must be positive')
  const startTimestamp = o.long('startTimestamp', 0)
  if (startTimestamp < 0) throw o.invalid('startTimestamp', 'it must be non-negative')
  const advanceMillisPerBatch = o.int('advanceMillisPerBatch', 1000)
  if (advanceMillisPerBatch < 0) throw o.invalid('advanceMillisPerBatch', 'it must be non-negative')
  return { rowsPerBatch, numPartitions, startTimestamp, advanceMillisPerBatch }
}

/**
 * The `rate-micro-batch` source provider.
 *
 * @example
 * const source = rateMicroBatchSourceProvider.createSource({ options: { rowsPerBatch: '10' }, now: () => 0 }, RATE_SCHEMA)
 */
export const rateMicroBatchSourceProvider: SourceProvider = Object.freeze({
  name: 'rate-micro-batch',
  schema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined): StructType {
    if (userSchema !== undefined) throw userSchemaNotSupported('rate-micro-batch')
    parseRateMicroBatchOptions(options)
    return RATE_SCHEMA
  },
  validate(options: Readonly<Record<string, string>>): void {
    parseRateMicroBatchOptions(options)
  },
  createSource(ctx, _schema) {
    return new RateMicroBatchSource(parseRateMicroBatchOptions(ctx.options))
  },
} satisfies SourceProvider)
