/**
 * JSON to DECIMAL(p, s), as Spark's `JacksonParser` reads it: a JSON number or a non-empty string
 * of decimal text (commas dropped, as Spark's en-US decimal parser does), rounded HALF_UP to the
 * scale; more digits before the point than the type holds is a malformed value.
 */
import type { DecimalType } from '../../schema/data-type.ts'
import { fitDecimal, numberToDecimalParts, parseDecimalText } from '../../schema/decimal-value.ts'
import { failConversion, type JsonConversionState } from './json-conversion-state.ts'
import type { JsonValueConverter } from './json-leaf-converters.ts'
import { JsonNumber } from './json-tree.ts'

/**
 * The converter for one decimal type. A fractional JSON number needs its exact text, so outside an
 * exact tree it asks for one (`needsSource`).
 *
 * @example
 * decimalConverter(t.decimal(5, 2))(new JsonNumber('1.555', 1.555, false), state) // '1.56'
 */
export function decimalConverter(type: DecimalType): JsonValueConverter {
  const name = `decimal(${type.precision},${type.scale})`
  return (v: unknown, s: JsonConversionState): unknown => {
    if (v === null || v === undefined) return null
    let parts: ReturnType<typeof parseDecimalText>
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) && !s.exact) {
        s.needsSource = true
        return null
      }
      parts = numberToDecimalParts(v)
    } else if (v instanceof JsonNumber) parts = parseDecimalText(v.text)
    else if (typeof v === 'string' && v !== '') parts = parseDecimalText(v.replaceAll(',', ''))
    if (parts === undefined) return failConversion(s, name, v)
    return (
      fitDecimal(parts, type.precision, type.scale) ??
      failConversion(s, name, v, `more than ${type.precision - type.scale} digits before the point`)
    )
  }
}
