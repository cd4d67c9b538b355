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

/**
 * Whether a process with this id runs on this machine (signal 0 probes without sending anything).
 * A process we may not signal (EPERM) exists.
 *
 * @example
 * isProcessAlive(process.pid) // true
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
