import { hostname } from 'node:os'

/** Which process this is, as a lock file records its owner. */
export interface ProcessIdentity {
  readonly pid: number
  readonly host: string
}

/**
 * The current process's id and host name.
 *
 * @example
 * processIdentity() // { pid: 4242, host: 'build-7' }
 */
export function processIdentity(): ProcessIdentity {
  return Object.freeze({ pid: process.pid, host: hostname() })
}
