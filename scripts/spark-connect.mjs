#!/usr/bin/env node
// Runs a local Apache Spark Connect server from the PySpark package (pip install pyspark), for tests and users.
//   node scripts/spark-connect.mjs start|stop|status|ensure [--port 15002] [--dir <stateDir>]
//        [--timeout <seconds>] [--master local[2]] [--no-kafka]
// The server has Spark's Kafka connector (resolved by spark-submit from Maven Central on the first start)
// unless --no-kafka.
// `ensure` checks that PySpark (the pinned version) and Java 17+ are here and prints SPARK_HOME; it never
// installs anything (`pip install pyspark==4.3.0` does, see .ci/run). Plain ESM with no dependencies, in the
// style of scripts/kafka-broker.mjs: `start` and `stop` hold a lock file in the state dir, so concurrent
// callers (parallel test files) wait for one another instead of starting two JVMs.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  cacheRoot,
  LOCK_WAIT_MS,
  LockTimeoutError,
  pidAlive,
  readPid,
  requireJava17,
  stopService,
  logTail as tailOf,
  withLock,
} from './lib/service-process.mjs'

// The Spark release whose protocol src/remote/gen was generated from (scripts/generate-connect.mjs).
export const SPARK_VERSION = '4.3.0'
// The Kafka connector (ivy, from Maven Central, cached after the first start), as bench/nexmark-spark.ts
// takes it: Spark 4.3.0's own spark-sql-kafka is not published there, nor is 4.2.0's token provider, so
// 4.2.0's connector is taken with the token provider excluded and 4.0.0's jar added; runs on Spark 4.3.0.
const KAFKA_PACKAGE = 'org.apache.spark:spark-sql-kafka-0-10_2.13:4.2.0'
const KAFKA_EXCLUDES = 'org.apache.spark:spark-token-provider-kafka-0-10_2.13'
const KAFKA_JARS =
  'https://repo1.maven.org/maven2/org/apache/spark/spark-token-provider-kafka-0-10_2.13/4.0.0/spark-token-provider-kafka-0-10_2.13-4.0.0.jar'
const HOST = '127.0.0.1'
const MAIN_CLASS = 'org.apache.spark.sql.connect.service.SparkConnectServer'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

class ConnectError extends Error {}

const checkJava = () => requireJava17('Spark 4', ' (apt-get install openjdk-17-jre-headless)', ConnectError)
const logTail = (dir, lines = 30) => tailOf([join(dir, 'server.out')], lines)

function parseOptions(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '15002' },
      dir: { type: 'string' },
      timeout: { type: 'string', default: '180' },
      master: { type: 'string', default: 'local[2]' },
      'no-kafka': { type: 'boolean', default: false },
    },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConnectError(`--port ${values.port} is not a TCP port`)
  const dir = resolve(values.dir ?? join(cacheRoot(), 'spark-connect', `state-${port}`))
  return {
    command: positionals[0],
    port,
    dir,
    master: values.master,
    kafka: !values['no-kafka'],
    timeoutMs: Number(values.timeout) * 1000,
  }
}

// ---- ensure: PySpark of the pinned version and Java 17+ ----

function python() {
  return process.env.SLUICE_PYTHON || 'python3'
}

function sparkHome() {
  if (process.env.SPARK_HOME) return resolve(process.env.SPARK_HOME)
  const code = 'import os, pyspark; print(pyspark.__version__); print(os.path.dirname(pyspark.__file__))'
  const run = spawnSync(python(), ['-c', code], { encoding: 'utf8' })
  if (run.error?.code === 'ENOENT')
    throw new ConnectError(
      `${python()} was not found: install Python 3 and \`pip install pyspark==${SPARK_VERSION}\``,
    )
  if (run.status !== 0)
    throw new ConnectError(
      `PySpark is not installed for ${python()}: run \`pip install pyspark==${SPARK_VERSION}\` (or set SPARK_HOME)`,
    )
  const [version, home] = run.stdout.trim().split('\n')
  if (!version.startsWith('4.'))
    throw new ConnectError(
      `PySpark ${version} is installed, but Spark Connect here needs 4.x (pinned ${SPARK_VERSION})`,
    )
  if (version !== SPARK_VERSION)
    console.error(`note: PySpark ${version} is installed; Sluice's protocol code comes from ${SPARK_VERSION}`)
  return home
}

function ensure() {
  checkJava()
  const home = sparkHome()
  const jars = join(home, 'jars')
  if (!existsSync(join(home, 'bin', 'spark-submit')) || !existsSync(jars))
    throw new ConnectError(`${home} has no bin/spark-submit or jars/: reinstall PySpark`)
  return home
}

// ---- probing ----

function answersTcp(port, timeoutMs = 1000) {
  return new Promise((res) => {
    const socket = createConnection({ port, host: HOST })
    const done = (ok) => {
      socket.destroy()
      res(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => done(true))
  })
}

const pidFile = (dir) => join(dir, 'server.pid')

// The pid file's process, if it is still this state dir's server (guards against pid reuse on Linux).
function serverPid(dir) {
  const pid = readPid(pidFile(dir))
  if (pid === undefined || !pidAlive(pid)) return undefined
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmd.includes(MAIN_CLASS) && cmd.includes(dir) ? pid : undefined
  } catch {
    return existsSync('/proc/self') ? undefined : pid
  }
}

// ---- commands ----

function submitArgs(o) {
  const conf = (k, v) => ['--conf', `${k}=${v}`]
  return [
    ...['--class', MAIN_CLASS, '--name', 'Sluice Spark Connect server', '--master', o.master],
    ...['--driver-memory', process.env.SLUICE_SPARK_DRIVER_MEMORY || '1g'],
    ...conf('spark.connect.grpc.binding.address', HOST),
    ...conf('spark.connect.grpc.binding.port', o.port),
    ...conf('spark.ui.enabled', 'false'),
    ...conf('spark.sql.shuffle.partitions', '2'),
    ...conf('spark.sql.session.timeZone', 'UTC'),
    // Marks the JVM as this state dir's (serverPid reads it back from /proc/<pid>/cmdline).
    ...conf('spark.driver.extraJavaOptions', `-Dsluice.state.dir=${o.dir} -XX:+UseSerialGC`),
    ...conf('spark.local.dir', join(o.dir, 'tmp')),
    ...conf('spark.sql.warehouse.dir', join(o.dir, 'warehouse')),
    ...(o.kafka
      ? [
          ...['--packages', KAFKA_PACKAGE, '--exclude-packages', KAFKA_EXCLUDES, '--jars', KAFKA_JARS],
          ...conf('spark.jars.ivy', join(cacheRoot(), 'spark-connect', 'ivy')),
        ]
      : []),
  ]
}

const optionsFile = (dir) => join(dir, 'options.json')

// The running server's options must be the requested ones (a server without Kafka cannot serve Kafka tests).
function checkRunningOptions(o, pid) {
  let kafka = false
  try {
    kafka = JSON.parse(readFileSync(optionsFile(o.dir), 'utf8')).kafka === true
  } catch {}
  if (kafka !== o.kafka)
    throw new ConnectError(
      `the Spark Connect server of ${o.dir} (pid ${pid}) runs ${kafka ? 'with' : 'without'} the Kafka connector; ` +
        'stop it (npm run spark:stop) and start it again with the options you need',
    )
}

async function start(o) {
  mkdirSync(o.dir, { recursive: true })
  return withLock(join(o.dir, 'start.lock'), `another start/stop of ${o.dir}`, LOCK_WAIT_MS, async () => {
    const running = serverPid(o.dir)
    if (running !== undefined) {
      checkRunningOptions(o, running)
      return waitReady(o, running)
    }
    if (await answersTcp(o.port))
      throw new ConnectError(
        `port ${o.port} on ${HOST} is in use by another process; choose --port or stop it`,
      )
    const home = ensure()
    const out = openSync(join(o.dir, 'server.out'), 'w')
    const child = spawn(join(home, 'bin', 'spark-submit'), submitArgs(o), {
      cwd: o.dir,
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, SPARK_HOME: home, SPARK_NO_DAEMONIZE: '1' },
    })
    closeSync(out)
    writeFileSync(pidFile(o.dir), `${child.pid}\n`)
    writeFileSync(optionsFile(o.dir), `${JSON.stringify({ kafka: o.kafka })}\n`)
    child.unref()
    return waitReady(o, child.pid)
  })
}

async function waitReady(o, pid) {
  const deadline = Date.now() + o.timeoutMs
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) {
      rmSync(pidFile(o.dir), { force: true })
      throw new ConnectError(`the Spark Connect server exited during startup:\n${logTail(o.dir)}`)
    }
    if (await answersTcp(o.port)) return `sc://localhost:${o.port}`
    await sleep(250)
  }
  throw new ConnectError(
    `the Spark Connect server (pid ${pid}) did not listen on ${o.port} in time:\n${logTail(o.dir)}`,
  )
}

function stop(o) {
  return stopService(o.dir, serverPid, pidFile(o.dir), LOCK_WAIT_MS)
}

async function status(o) {
  const pid = serverPid(o.dir)
  if (pid === undefined) return { running: false, text: `not running (state dir ${o.dir})` }
  const ready = await answersTcp(o.port)
  return {
    running: true,
    text: `${ready ? 'running' : 'starting'} pid ${pid} at sc://localhost:${o.port} (${o.dir})`,
  }
}

async function main() {
  const o = parseOptions(process.argv.slice(2))
  switch (o.command) {
    case 'ensure':
      console.log(ensure())
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
      throw new ConnectError(
        `unknown command '${o.command ?? ''}': use start|stop|status|ensure [--port 15002] [--dir <stateDir>] [--timeout <seconds>]`,
      )
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(
      `spark-connect: ${e instanceof ConnectError || e instanceof LockTimeoutError ? e.message : (e?.stack ?? e)}`,
    )
    process.exit(1)
  },
)
