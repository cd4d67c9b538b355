/**
 * `format('rate')`: options as Spark's `RateStreamProvider` — `rowsPerSecond` (default 1, > 0),
 * `rampUpTime` (default `0s`, whole seconds, >= 0), `numPartitions` (default 1: one process, where
 * Spark uses its default parallelism; > 0). Columns `timestamp` and `value` (nullable, as Spark's).
 */
import { SluiceError } from '../../errors.ts'
import { field, type StructType, structOf, t } from '../../schema/data-type.ts'
import { readOptions, userSchemaNotSupported } from '../connector-options.ts'
import type { SourceProvider } from '../spi.ts'
import { maxRateSeconds, type RateOptions, RateSource } from './rate-source.ts'
import { timeStringAsSeconds } from './time-string.ts'

/** `timestamp TIMESTAMP, value BIGINT`, the rate sources' columns. */
export const RATE_SCHEMA: StructType = structOf([field('timestamp', t.timestamp()), field('value', t.long())])

const KNOWN = ['rowsPerSecond', 'rampUpTime', 'numPartitions']

/**
 * Validates the rate source's options and applies the defaults.
 *
 * @example
 * parseRateOptions({ rowsPerSecond: '10', rampUpTime: '5s' }).rampUpTimeSeconds // 5
 */
export function parseRateOptions(options: Readonly<Record<string, string>>): RateOptions {
  const o = readOptions('rate source', options, KNOWN)
  const rowsPerSecond = o.long('rowsPerSecond', 1)
  if (rowsPerSecond <= 0) throw o.invalid('rowsPerSecond', 'it must be positive')
  const rampUp = o.get('rampUpTime')
  const rampUpTimeSeconds = rampUp === undefined ? 0 : timeStringAsSeconds('rampUpTime', rampUp)
  if (rampUpTimeSeconds < 0) throw o.invalid('rampUpTime', 'it must not be negative')
  const maxSeconds = maxRateSeconds(rowsPerSecond)
  if (rampUpTimeSeconds > maxSeconds) {
    throw new SluiceError(
      'INVALID_OPTION',
      `Max offset with ${rowsPerSecond} rowsPerSecond is ${maxSeconds}, but 'rampUpTimeSeconds' is ${rampUpTimeSeconds}. Lower rowsPerSecond or rampUpTime.`,
    )
  }
  const numPartitions = o.int('numPartitions', 1)
  if (numPartitions <= 0) throw o.invalid('numPartitions', 'it must be positive')
  return {
    rowsPerSecond,
    rampUpTimeSeconds,
    numPartitions,
    numPartitionsGiven: o.get('numPartitions') !== undefined,
  }
}

/**
 * The `rate` source provider.
 *
 * @example
 * const source = rateSourceProvider.createSource({ options: { rowsPerSecond: '5' }, now: () => 0 }, RATE_SCHEMA)
 */
export const rateSourceProvider: SourceProvider = Object.freeze({
  name: 'rate',
  schema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined): StructType {
    if (userSchema !== undefined) throw userSchemaNotSupported('rate')
    parseRateOptions(options)
    return RATE_SCHEMA
  },
  validate(options: Readonly<Record<string, string>>): void {
    parseRateOptions(options)
  },
  createSource(ctx, _schema) {
    return new RateSource(ctx, parseRateOptions(ctx.options))
  },
} satisfies SourceProvider)
