/**
 * English (Locale.US) text java.time uses for Spark's text pattern fields: months, weekdays, AM/PM,
 * eras and quarters, plus two small zero-padding helpers shared by the formatter and the casts.
 */

/** `MMM` month names, January first. */
export const MONTHS_SHORT: readonly string[] = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]
/** `MMMM` month names, January first. */
export const MONTHS_FULL: readonly string[] = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
/** `E`..`EEE` weekday names, Monday first (ISO day 1). */
export const WEEKDAYS_SHORT: readonly string[] = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
/** `EEEE` weekday names, Monday first. */
export const WEEKDAYS_FULL: readonly string[] = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
]
/** `a`: index 0 before noon. */
export const AM_PM: readonly string[] = ['AM', 'PM']
/** `G`..`GGG`: index 0 is BC (era 0), index 1 AD. */
export const ERAS_SHORT: readonly string[] = ['BC', 'AD']
/** `GGGG`. */
export const ERAS_FULL: readonly string[] = ['Before Christ', 'Anno Domini']
/** `QQQQ`, first quarter first. */
export const QUARTERS_FULL: readonly string[] = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter']

/**
 * `n` (a non-negative integer) in at least two digits.
 *
 * @example pad2(7) // '07'
 */
export function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`
}

/**
 * `n` (a non-negative integer) zero-padded to at least `width` digits.
 *
 * @example padN(42, 4) // '0042'
 */
export function padN(n: number, width: number): string {
  const s = `${n}`
  return s.length >= width ? s : '0'.repeat(width - s.length) + s
}
