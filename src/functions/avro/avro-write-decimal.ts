/** Writing Sluice decimals and doubles into Avro decimals (bytes or fixed). */
import { SluiceError } from '../../errors.ts'
import { rescale, unscaledOf } from '../../schema/decimal-value.ts'
import type { AvroAnnotation, AvroType } from './avro-schema.ts'
import { digitCount, doubleToUnscaled, unscaledToBytes } from './decimal.ts'

/**
 * A converter from doubles (or decimals of scale `fromScale`, which must fit the scale exactly, as
 * Avro's DecimalConversion) to the bytes of the decimal `note` describes: a double rounded HALF_UP
 * to its scale as Spark casts a double to decimal; NaN, infinities and values needing more digits than
 * the precision are errors naming the value.
 *
 * @example
 * const write = writeDecimal(parseAvroSchema('{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}'), note, [])
 * write(-1.23) // Buffer [0x85]
 */
export function writeDecimal(
  avro: AvroType,
  note: AvroAnnotation,
  path: readonly string[],
  fromScale?: number,
): (x: number | string) => Buffer {
  const { precision, scale } = note
  const size = avro.typeName === 'fixed' ? (avro.size as number) : undefined
  const where = path.length === 0 ? 'top-level record' : `field '${path.join('.')}'`
  // A Sluice decimal must fit the Avro scale exactly: Avro's DecimalConversion does not round.
  const unscaledOfValue = (x: number | string) => {
    if (typeof x !== 'string') return doubleToUnscaled(x, scale)
    const u = unscaledOf(x)
    const r = rescale(u, fromScale ?? 0, scale, 'down')
    return rescale(r, scale, fromScale ?? 0, 'down') === u ? r : null
  }
  return (x) => {
    const unscaled = unscaledOfValue(x)
    if (unscaled === null || digitCount(unscaled) > precision) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `to_avro: the value ${x} at ${where} cannot be written as decimal(${precision},${scale}): it needs more than ${precision} digits or ${scale} decimal places, or is not a number. Round or filter it first.`,
      )
    }
    const bytes = unscaledToBytes(unscaled, size)
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
}
