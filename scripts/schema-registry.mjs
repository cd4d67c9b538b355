#!/usr/bin/env node
// Runs a real Apicurio Registry (in-memory storage) from its distribution on Maven Central; it serves
// Confluent Schema Registry's REST API under /apis/ccompat/v7, which from_avro/to_avro use.
//   node scripts/schema-registry.mjs start|stop|status|ensure [--port 8081] [--dir <stateDir>]
//        [--version 2.6.13.Final] [--timeout <seconds>]
// Plain ESM with no dependencies so it runs on any Node >= 20. `ensure` fetches
// io.apicurio:apicurio-registry-app:<version>:tar.gz:all with Maven once and unpacks it under
// <cache>/schema-registry/<version>; `start` and `stop` hold a lock file in the state dir, so concurrent
// callers (parallel test files) wait for one another instead of racing. Registry data lives in memory:
// a restart empties it.
import { spawn, spawnSync } from 'node:child_process'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  cacheRoot,
  LOCK_WAIT_MS,
  LockTimeoutError,
  pidAlive,
  portFree as portFreeOn,
  readPid,
  requireJava17,
  stopService,
  logTail as tailOf,
  withLock,
} from './lib/service-process.mjs'

// 2.6.x is the newest line that runs on Java 17 (3.x needs Java 21); it is on Maven Central as a
// Quarkus runner jar with its lib/ folder (classifier `all`, a tar.gz).
const DEFAULT_VERSION = '2.6.13.Final'
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1'
const HOST = '127.0.0.1'
const READY_MARKER = 'READY'
const API = '/apis/ccompat/v7'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

class BrokerError extends Error {}

const checkJava = () =>
  requireJava17('Apicurio Registry 2.6', ': install a JRE or set JAVA_HOME.', BrokerError)
const portFree = (port) => portFreeOn(port, HOST)
const logTail = (dir, lines = 30) => tailOf([join(dir, 'registry.out')], lines)

function parseOptions(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8081' },
      dir: { type: 'string' },
      version: { type: 'string', default: process.env.SLUICE_REGISTRY_VERSION || DEFAULT_VERSION },
      timeout: { type: 'string', default: '120' },
    },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new BrokerError(`--port ${values.port} is not a TCP port`)
  return {
    command: positionals[0],
    port,
    version: values.version,
    dir: resolve(values.dir ?? join(cacheRoot(), 'schema-registry', `state-${port}`)),
    timeoutMs: Number(values.timeout) * 1000,
  }
}

// ---- ensure: fetch the distribution with Maven once, unpack it under <cache>/schema-registry/<version> ----

function versionDir(version) {
  return join(cacheRoot(), 'schema-registry', version)
}

function runnerJar(dir) {
  const name = readdirSync(dir).find((f) => f.endsWith('-runner.jar'))
  if (name === undefined)
    throw new BrokerError(`no *-runner.jar in ${dir}; delete ${dir} and run ensure again`)
  return join(dir, name)
}

async function ensure(version) {
  const dir = versionDir(version)
  if (existsSync(join(dir, READY_MARKER))) return runnerJar(join(dir, 'app'))
  mkdirSync(dir, { recursive: true })
  await withLock(`${dir}.lock`, `the Apicurio Registry ${version} download`, LOCK_WAIT_MS, async () => {
    if (existsSync(join(dir, READY_MARKER))) return
    download(version, dir)
  })
  return runnerJar(join(dir, 'app'))
}

function download(version, dir) {
  console.error(
    `Fetching Apicurio Registry ${version} from Maven Central into ${dir} (once, about 140 MB)...`,
  )
  const artifact = `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`
  const partial = join(dir, 'download.partial')
  rmSync(partial, { recursive: true, force: true })
  const args = [
    '-B',
    '-q',
    '-Dstyle.color=never',
    `${DEPENDENCY_PLUGIN}:copy`,
    `-Dartifact=${artifact}`,
    `-DoutputDirectory=${partial}`,
  ]
  const run = spawnSync(process.env.SLUICE_MVN || 'mvn', args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    cwd: dir,
  })
  if (run.error?.code === 'ENOENT')
    throw new BrokerError(
      'mvn (Apache Maven) was not found on PATH. It is needed once to fetch Apicurio Registry from ' +
        'Maven Central: install it (e.g. `apt-get install maven`) or set SLUICE_MVN.',
    )
  if (run.error) throw run.error
  const archive = join(partial, `apicurio-registry-app-${version}-all.tar.gz`)
  if (run.status !== 0 || !existsSync(archive)) {
    const text = `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').trim()
    throw new BrokerError(
      `mvn could not fetch ${artifact} (exit ${run.status}):\n${text.split('\n').slice(-15).join('\n')}`,
    )
  }
  const app = join(partial, 'app')
  mkdirSync(app)
  const untar = spawnSync('tar', ['xzf', archive, '-C', app], { encoding: 'utf8' })
  if (untar.status !== 0) throw new BrokerError(`unpacking ${archive} failed: ${untar.stderr}`)
  rmSync(archive)
  rmSync(join(dir, 'app'), { recursive: true, force: true })
  renameSync(app, join(dir, 'app'))
  rmSync(partial, { recursive: true, force: true })
  writeFileSync(
    join(dir, READY_MARKER),
    `${JSON.stringify({ version, fetchedAt: new Date().toISOString() })}\n`,
  )
}

// ---- Java ----

// ---- probing ----

async function answersRegistry(port) {
  try {
    const res = await fetch(`http://${HOST}:${port}${API}/subjects`, { signal: AbortSignal.timeout(1000) })
    return res.status === 200
  } catch {
    return false
  }
}

function pidFile(dir) {
  return join(dir, 'registry.pid')
}

// The pid file's process, if it is still this state dir's registry (guards against pid reuse on Linux).
function registryPid(dir) {
  const pid = readPid(pidFile(dir))
  if (pid === undefined || !pidAlive(pid)) return undefined
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmd.includes('apicurio-registry') && cmd.includes(`-Dsluice.registry.dir=${dir}`) ? pid : undefined
  } catch {
    return existsSync('/proc/self') ? undefined : pid
  }
}

function configuredPort(dir) {
  const n = Number.parseInt(existsSync(join(dir, 'port')) ? readFileSync(join(dir, 'port'), 'utf8') : '', 10)
  return Number.isInteger(n) ? n : undefined
}

// ---- commands ----

async function start(o) {
  mkdirSync(o.dir, { recursive: true })
  return withLock(join(o.dir, 'start.lock'), `another start/stop of ${o.dir}`, LOCK_WAIT_MS, async () => {
    const url = `http://${HOST}:${o.port}${API}`
    const running = registryPid(o.dir)
    if (running !== undefined) {
      const port = configuredPort(o.dir)
      if (port !== o.port)
        throw new BrokerError(`the registry of ${o.dir} (pid ${running}) runs on port ${port}; stop it first`)
      if (await answersRegistry(o.port)) return url
      return waitReady(o, running, undefined)
    }
    if (!(await portFree(o.port)))
      throw new BrokerError(
        `port ${o.port} on ${HOST} is in use by another process; choose another --port or stop it`,
      )
    const java = checkJava()
    const jar = await ensure(o.version)
    writeFileSync(join(o.dir, 'port'), `${o.port}\n`)
    return launch(java, jar, o)
  })
}

async function launch(java, jar, o) {
  const out = openSync(join(o.dir, 'registry.out'), 'w')
  const extra = (process.env.SLUICE_REGISTRY_JVM_OPTS ?? '').split(/\s+/).filter(Boolean)
  const args = [
    // A small heap and a quick-starting JIT/GC: a test registry on a 2-core machine.
    ...['-Xms64m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'],
    `-Dsluice.registry.dir=${o.dir}`,
    `-Dquarkus.http.port=${o.port}`,
    `-Dquarkus.http.host=${HOST}`,
    ...extra,
    '-jar',
    jar,
  ]
  const child = spawn(java, args, { cwd: o.dir, detached: true, stdio: ['ignore', out, out] })
  closeSync(out)
  let exit
  child.on('exit', (code, signal) => (exit = code ?? signal))
  child.on('error', (e) => (exit = e.message))
  writeFileSync(pidFile(o.dir), `${child.pid}\n`)
  child.unref()
  return waitReady(o, child.pid, () => exit)
}

async function waitReady(o, pid, exited) {
  const deadline = Date.now() + o.timeoutMs
  while (Date.now() < deadline) {
    const gone = exited ? exited() : pidAlive(pid) ? undefined : 'gone'
    if (gone !== undefined) {
      rmSync(pidFile(o.dir), { force: true })
      throw new BrokerError(`Apicurio Registry exited during startup (${gone}):\n${logTail(o.dir)}`)
    }
    if (await answersRegistry(o.port)) return `http://${HOST}:${o.port}${API}`
    await sleep(200)
  }
  throw new BrokerError(
    `Apicurio Registry (pid ${pid}) did not answer on ${HOST}:${o.port} within ${o.timeoutMs / 1000}s:\n${logTail(o.dir)}`,
  )
}

function stop(o) {
  return stopService(o.dir, registryPid, pidFile(o.dir), LOCK_WAIT_MS)
}

async function status(o) {
  const pid = registryPid(o.dir)
  if (pid === undefined) return { running: false, text: `not running (state dir ${o.dir})` }
  const port = configuredPort(o.dir) ?? o.port
  const ready = await answersRegistry(port)
  return {
    running: true,
    text: `${ready ? 'running' : 'starting'} pid ${pid} at http://${HOST}:${port}${API} (${o.dir})`,
  }
}

async function main() {
  const o = parseOptions(process.argv.slice(2))
  switch (o.command) {
    case 'ensure':
      console.log(await ensure(o.version))
      return 0
    case 'start':
      console.log(await start(o))
      return 0
    case 'stop':
      console.log(await stop(o))
      return 0
    case 'status': {
      const s = await status(o)
      console.log(s.text)
      return s.running ? 0 : 3
    }
    default:
      throw new BrokerError(
        `unknown command '${o.command ?? ''}': use start|stop|status|ensure [--port 8081] [--dir <stateDir>] [--version x.y.z] [--timeout <seconds>]`,
      )
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(
      `schema-registry: ${e instanceof BrokerError || e instanceof LockTimeoutError ? e.message : (e?.stack ?? e)}`,
    )
    process.exit(1)
  },
)
