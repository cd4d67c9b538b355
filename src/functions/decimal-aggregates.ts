/**
 * sum, avg, try_sum and try_avg over decimals, as Spark 4: `sum` of decimal(p, s) is
 * decimal(p + 10, s) and `avg` decimal(p + 4, s + 4) (both bounded to 38 digits); avg divides the
 * exact sum by the count with the decimal division rules, then casts HALF_UP to its type. A sum
 * with more digits than its type holds is NUMERIC_VALUE_OUT_OF_RANGE (try_sum/try_avg: NULL).
 *
 * The running sum is a slot holding decimal text at the input's scale (exact, with no digit limit),
 * so a streaming aggregate's state stores it as any other string.
 */
import { type DecimalType, simpleString, t } from '../schema/data-type.ts'
import { fitsPrecision, formatDecimal, rescale, unscaledOf } from '../schema/decimal-value.ts'
import { decimalArithmetic } from './decimal-arithmetic.ts'
import { distinctImpl } from './distinct-impl.ts'
import type { AggregateImpl } from './function-def.ts'
import { decimalOutOfRange } from './runtime-errors.ts'

const bounded = (p: number, s: number): DecimalType => t.decimal(Math.min(p, 38), Math.min(s, 38))

/** The sum of two decimal texts of one scale. @example addDecimals('1.50', '2.25', 2) // '3.75' */
export function addDecimals(a: string, b: string, scale: number): string {
  return formatDecimal(unscaledOf(a) + unscaledOf(b), scale)
}

function checked(value: string, type: DecimalType, tryMode: boolean, site: string): string | null {
  if (fitsPrecision(unscaledOf(value), type.precision)) return value
  if (tryMode) return null
  throw decimalOutOfRange(value, simpleString(type), site)
}

/**
 * `sum(x)` / `try_sum(x)` of a decimal(p, s) argument; `distinct` sums a Set of distinct values.
 *
 * @example
 * decimalSum(t.decimal(5, 2), false, false).type // decimal(15,2)
 */
export function decimalSum(
  input: DecimalType,
  distinct: boolean,
  tryMode: boolean,
): { readonly type: DecimalType; readonly impl: AggregateImpl } {
  const type = bounded(input.precision + 10, input.scale)
  const scale = input.scale
  const zero = formatDecimal(0n, scale)
  const site = tryMode ? 'try_sum' : 'sum'
  const add = (a: string, b: string) => addDecimals(a, b, scale)
  const finishSum = (s: string | null) => (s === null ? null : checked(s, type, tryMode, site))
  // NOTE: helpers are shared by name across a query's aggregates, so each name carries its types.
  const id = `${input.scale}_${type.precision}_${tryMode ? 't' : 'a'}`
  const [addN, finishN, setN] = [`decAdd${input.scale}`, `decSumFinish${id}`, `decSumSet${input.scale}`]
  const helpers = {
    [addN]: add,
    [finishN]: finishSum,
    [setN]: (set: Set<string>) => [...set].reduce(add, zero),
  }
  const impl: AggregateImpl = distinct
    ? distinctImpl((s) => `${s}.size === 0 ? null : ${finishN}(${setN}(${s}))`, helpers)
    : {
        init: ['null'],
        update: ([s], [v]) => `${s} = ${s} === null ? ${v} : ${addN}(${s}, ${v})`,
        merge: ([a], [b]) => `if (${b} !== null) ${a} = ${a} === null ? ${b} : ${addN}(${a}, ${b})`,
        finish: ([s]) => `${finishN}(${s})`,
        helpers,
      }
  return { type, impl }
}

/**
 * `avg(x)` / `try_avg(x)` of a decimal(p, s) argument.
 *
 * @example
 * decimalAvg(t.decimal(5, 2), false, false).type // decimal(9,6)
 */
export function decimalAvg(
  input: DecimalType,
  distinct: boolean,
  tryMode: boolean,
): { readonly type: DecimalType; readonly impl: AggregateImpl } {
  const type = bounded(input.precision + 4, input.scale + 4)
  const sumType = bounded(input.precision + 10, input.scale)
  const site = tryMode ? 'try_avg' : 'avg'
  const divide = decimalArithmetic('/', sumType, t.decimal(20, 0), tryMode)
  const divideFn = (divide.impl as { fn: (a: string, b: string, site: string) => string | null }).fn
  const quotientScale = (divide.type as DecimalType).scale
  const scale = input.scale
  const add = (a: string, b: string) => addDecimals(a, b, scale)
  const finishAvg = (s: string, n: number): string | null => {
    if (checked(s, sumType, tryMode, site) === null) return null
    const q = divideFn(s, String(n), site)
    if (q === null) return null
    const r = rescale(unscaledOf(q), quotientScale, type.scale, 'half_up')
    return checked(formatDecimal(r, type.scale), type, tryMode, site)
  }
  const zero = formatDecimal(0n, scale)
  const [addN, finishN] = [`decAdd${scale}`, `decAvgFinish${scale}_${input.precision}_${tryMode ? 't' : 'a'}`]
  const helpers = { [addN]: add, [finishN]: finishAvg }
  const impl: AggregateImpl = distinct
    ? distinctImpl(
        (s) =>
          `${s}.size === 0 ? null : ${finishN}([...${s}].reduce(${addN}, ${JSON.stringify(zero)}), ${s}.size)`,
        helpers,
      )
    : {
        init: ['null', '0'],
        update: ([s, n], [v]) => `${s} = ${s} === null ? ${v} : ${addN}(${s}, ${v}); ${n}++`,
        merge: ([a, n], [b, n2]) =>
          `if (${b} !== null) { ${a} = ${a} === null ? ${b} : ${addN}(${a}, ${b}); ${n} += ${n2} }`,
        finish: ([s, n]) => `${n} === 0 ? null : ${finishN}(${s}, ${n})`,
        helpers,
      }
  return { type, impl }
}
