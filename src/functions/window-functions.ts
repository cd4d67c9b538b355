/**
 * Time-window functions. `window()` and `session_window()` add rows or a column below the select or
 * groupBy that uses them, so analysis rewrites them before binding (analysis/window-analysis.ts);
 * their catalog entries only answer where that rewrite does not apply (filter, orderBy, a join).
 * `window_time()` is an ordinary scalar function.
 */
import { SluiceError, typeMismatch } from '../errors.ts'
import { type DataType, simpleString, t } from '../schema/data-type.ts'
import { scalar } from './define.ts'
import type { FunctionDef } from './function-def.ts'

/** The type of a `window` / `session_window` column: `struct<start: timestamp, end: timestamp>`. */
export const WINDOW_TYPE = t.struct({ start: t.timestamp(), end: t.timestamp() })

/**
 * True for a struct of exactly `start` and `end` timestamps (what window() and session_window()
 * produce).
 *
 * @example
 * isWindowStruct(WINDOW_TYPE) // true
 */
export function isWindowStruct(type: DataType): boolean {
  return (
    type.kind === 'struct' &&
    type.fields.length === 2 &&
    type.fields[0].name === 'start' &&
    type.fields[1].name === 'end' &&
    type.fields.every((f) => f.type.kind === 'timestamp')
  )
}

const onlyInSelectOrGroupBy = (name: string) =>
  scalar(name, name === 'window' ? [2, 4] : [2, 2], () => {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      `\`${name}()\` can only be used in select()/selectExpr()/withColumn() or groupBy(); ` +
        `add it as a column first (e.g. withColumn('${name}', ${name}(...))) and filter or sort on that column.`,
    )
  })

/**
 * `window_time(w)`: the event time of a window, its end minus the smallest time unit, so the time
 * lies inside the window. Spark subtracts 1 microsecond; Sluice timestamps are milliseconds, so it
 * is `end - 1 ms`.
 */
const windowTime = scalar('window_time', [1, 1], ([w]) => {
  if (!isWindowStruct(w.type)) {
    const what = `${w.kind === 'ref' ? `\`${w.name}\`` : 'it'} has the type ${simpleString(w.type)}`
    throw typeMismatch(
      `Cannot resolve \`window_time\`: its argument must be a window column (struct<start: timestamp, end: timestamp>, ` +
        `made by window() or session_window()), but ${what}.`,
    )
  }
  return {
    type: t.timestamp(),
    nullable: true,
    impl: { kind: 'template', code: ([x]) => `${x}.end === null ? null : ${x}.end - 1` },
  }
})

export const WINDOW_FUNCTIONS: readonly FunctionDef[] = [
  onlyInSelectOrGroupBy('window'),
  onlyInSelectOrGroupBy('session_window'),
  windowTime,
]
