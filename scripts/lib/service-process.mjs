// What the service scripts (kafka-broker.mjs, schema-registry.mjs, spark-connect.mjs) share: a lock
// between processes (an O_EXCL lock file holding the owner's pid; a dead owner's lock is taken over),
// stopping a service by its pid file, the cache folder, the Java check, a free-port probe and the
// log tail their start errors show.

import { spawnSync } from 'node:child_process'
import {
  closeSync,
  existsSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** How long a caller waits on another's lock: it may cover a first download, so longer than --timeout. */
export const LOCK_WAIT_MS = 10 * 60_000

/** `$SLUICE_CACHE_DIR`, or `sluice/` under `$XDG_CACHE_HOME` (default `~/.cache`). */
export function cacheRoot() {
  if (process.env.SLUICE_CACHE_DIR) return resolve(process.env.SLUICE_CACHE_DIR)
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sluice')
}

/** `$JAVA_HOME/bin/java`, or `java` on the PATH. */
export function javaBinary() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java'
}

/**
 * The java binary when it is Java 17 or newer; otherwise throws `new Failure(message)` naming `what`
 * needs it (`hint` is appended to the not-found message: how to install one).
 */
export function requireJava17(what, hint, Failure) {
  const java = javaBinary()
  const run = spawnSync(java, ['-version'], { encoding: 'utf8' })
  if (run.error?.code === 'ENOENT')
    throw new Failure(`${java} was not found. ${what} needs Java 17 or newer${hint}`)
  const m = /version "(\d+)(?:\.(\d+))?/.exec(run.stderr ?? '')
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0
  if (major < 17)
    throw new Failure(`${what} needs Java 17 or newer, but ${java} is: ${run.stderr.split('\n')[0]}`)
  return java
}

/** Whether nothing listens on `host:port` (an exclusive listen succeeds). */
export function portFree(port, host) {
  return new Promise((res) => {
    const server = createServer()
    server.once('error', () => res(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => res(true)))
  })
}

/** The last `lines` lines of each of `files` that exists, each under a `--- <file>` header. */
export function logTail(files, lines = 30) {
  return files
    .filter(existsSync)
    .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-lines).join('\n')}`)
    .join('\n')
}

/** A failure the scripts report as one line (no stack): the lock stayed held past the wait. */
export class LockTimeoutError extends Error {}

/** Whether process `pid` is alive (EPERM: alive, someone else's). */
export function pidAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return e.code === 'EPERM'
  }
}

/** The pid written in `path`, or undefined. */
export function readPid(path) {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8'), 10)
    return Number.isInteger(n) && n > 0 ? n : undefined
  } catch {
    return undefined
  }
}

function tryAcquire(path) {
  try {
    const fd = openSync(path, 'wx')
    writeSync(fd, `${process.pid}\n`)
    closeSync(fd)
    return true
  } catch (e) {
    if (e.code === 'EEXIST') return false
    throw e
  }
}

// A lock is stale when its owner died, or when it stayed empty (owner died between create and write).
function isStale(path) {
  const owner = readPid(path)
  if (owner !== undefined) return !pidAlive(owner)
  try {
    return Date.now() - statSync(path).mtimeMs > 10_000
  } catch {
    return false
  }
}

// Renames the stale lock aside (only one waiter's rename can succeed). If a fresh lock replaced the stale
// one between our check and the rename, it is linked back unless yet another lock has appeared.
function takeOver(path) {
  const aside = `${path}.stale-${process.pid}`
  try {
    renameSync(path, aside)
  } catch {
    return
  }
  const owner = readPid(aside)
  if (owner !== undefined && pidAlive(owner)) {
    try {
      linkSync(aside, path)
    } catch {}
  }
  rmSync(aside, { force: true })
}

/**
 * Runs `fn` holding the lock file `path`; waits up to `timeoutMs` for another holder (`what` names
 * what it waits for in messages), then throws LockTimeoutError.
 */
export async function withLock(path, what, timeoutMs, fn) {
  const deadline = Date.now() + timeoutMs
  let told = false
  while (!tryAcquire(path)) {
    if (isStale(path)) {
      // Rename first so two waiters cannot both delete: only one rename of this file succeeds.
      takeOver(path)
      continue
    }
    if (Date.now() > deadline)
      throw new LockTimeoutError(`timed out waiting for ${what} (lock ${path} held by pid ${readPid(path)})`)
    if (!told) console.error(`waiting for ${what} (lock ${path}, pid ${readPid(path)})`)
    told = true
    await sleep(150)
  }
  try {
    return await fn()
  } finally {
    rmSync(path, { force: true })
  }
}

/**
 * Stops the service whose state folder is `dir`: under its start lock, SIGTERM to the pid
 * `pidOf(dir)` gives, SIGKILL after 30 s, then the pid file goes. Returns what happened.
 */
export async function stopService(dir, pidOf, pidFile, lockWaitMs) {
  if (!existsSync(dir)) return 'not running'
  return withLock(join(dir, 'start.lock'), `another start/stop of ${dir}`, lockWaitMs, async () => {
    const pid = pidOf(dir)
    if (pid === undefined) {
      rmSync(pidFile, { force: true })
      return 'not running'
    }
    process.kill(pid, 'SIGTERM')
    const deadline = Date.now() + 30_000
    while (pidAlive(pid) && Date.now() < deadline) await sleep(100)
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL')
    while (pidAlive(pid)) await sleep(50)
    rmSync(pidFile, { force: true })
    return `stopped (pid ${pid})`
  })
}
