/**
 * Names that become one folder of a checkpoint (source ids, late-rows and dead-letter output
 * names): checked where they are given (the API, source options) and where they are used
 * (checkpoint/layout.ts), by the same rule.
 */
import { invalidArgument } from '../errors.ts'

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/

/**
 * Throws INVALID_ARGUMENT unless `value` can name one checkpoint folder; `what` names it in the error.
 *
 * @example checkFolderName('late-events', 'late-rows output name') // 'late-events'
 */
export function checkFolderName(value: string, what: string): string {
  if (!SEGMENT.test(value)) {
    throw invalidArgument(
      `The ${what} '${value}' cannot name a checkpoint folder: use letters, digits, '_', '-' and '.', ` +
        `starting with a letter, digit or '_'.`,
    )
  }
  return value
}

/**
 * Throws unless `name` can name a late-rows output (a folder under `C/late/`).
 *
 * @example
 * checkLateRowsName('late-events') // 'late-events'; checkLateRowsName('a/b') throws INVALID_ARGUMENT
 */
export function checkLateRowsName(name: string): string {
  return checkFolderName(name, 'late-rows output name')
}

/** @example checkDeadLetterName('bad-records') // 'bad-records' */
export function checkDeadLetterName(name: string): string {
  return checkFolderName(name, 'dead-letter output name')
}
