#!/usr/bin/env node
// Runs a real single-node Apache Kafka broker (KRaft combined mode) from the official jars on Maven Central.
//   node scripts/kafka-broker.mjs start|stop|status|ensure [--port 9092] [--controller-port 9093]
//        [--dir <stateDir>] [--kafka-version 4.3.1] [--timeout <seconds>]
// Plain ESM with no dependencies so it runs on any Node >= 20. `start` and `stop` hold a lock file in the
// state dir, so concurrent callers (parallel test files) wait for one another instead of racing.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createConnection } from 'node:net'
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

// 4.3.1 is the newest 4.x whose artifacts are complete on Maven Central (4.4.0 lacks kafka-tools-api).
const DEFAULT_KAFKA_VERSION = '4.3.1'
// The slf4j 1.x binding must match the log4j2 that Kafka brings; pinning all three keeps them in step.
const LOG4J_VERSION = '2.25.4'
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1'
const HOST = '127.0.0.1'
const READY_MARKER = 'READY'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

class BrokerError extends Error {}

function parseOptions(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '9092' },
      'controller-port': { type: 'string' },
      dir: { type: 'string' },
      'kafka-version': { type: 'string', default: process.env.SLUICE_KAFKA_VERSION || DEFAULT_KAFKA_VERSION },
      timeout: { type: 'string', default: '120' },
    },
  })
  const port = toPort(values.port, '--port')
  const controllerPort = toPort(values['controller-port'] ?? String(port + 1), '--controller-port')
  if (controllerPort === port) throw new BrokerError('--controller-port must differ from --port')
  const version = values['kafka-version']
  const dir = resolve(values.dir ?? join(cacheRoot(), 'kafka', `state-${port}`))
  return {
    command: positionals[0],
    port,
    controllerPort,
    version,
    dir,
    timeoutMs: Number(values.timeout) * 1000,
  }
}

function toPort(text, flag) {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new BrokerError(`${flag} ${text} is not a TCP port`)
  return n
}

// ---- ensure: resolve the broker classpath with Maven once, cache it under <cache>/kafka/<version> ----

function pomXml(version) {
  const dep = (g, a, v) =>
    `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>sluice.local</groupId>
  <artifactId>kafka-broker-classpath</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${dep('org.apache.kafka', 'kafka_2.13', version)}
${dep('org.apache.logging.log4j', 'log4j-api', LOG4J_VERSION)}
${dep('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION)}
${dep('org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION)}
  </dependencies>
</project>
`
}

function versionDir(version) {
  return join(cacheRoot(), 'kafka', version)
}

async function ensure(version) {
  const dir = versionDir(version)
  if (existsSync(join(dir, READY_MARKER))) return join(dir, 'libs')
  mkdirSync(dir, { recursive: true })
  await withLock(`${dir}.lock`, `the Kafka ${version} download`, LOCK_WAIT_MS, async () => {
    if (existsSync(join(dir, READY_MARKER))) return
    download(version, dir)
  })
  return join(dir, 'libs')
}

function download(version, dir) {
  console.error(`Fetching Apache Kafka ${version} broker jars from Maven Central into ${dir} (once)...`)
  writeFileSync(join(dir, 'pom.xml'), pomXml(version))
  const partial = join(dir, 'libs.partial')
  rmSync(partial, { recursive: true, force: true })
  const goal = `${DEPENDENCY_PLUGIN}:copy-dependencies`
  const args = [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    join(dir, 'pom.xml'),
    goal,
    `-DoutputDirectory=${partial}`,
    '-DincludeScope=runtime',
  ]
  const run = spawnSync(process.env.SLUICE_MVN || 'mvn', args, { encoding: 'utf8', maxBuffer: 64 << 20 })
  if (run.error?.code === 'ENOENT')
    throw new BrokerError(
      'mvn (Apache Maven) was not found on PATH. It is needed once to fetch the Kafka broker jars from ' +
        'Maven Central: install it (e.g. `apt-get install maven` or `brew install maven`) or set SLUICE_MVN.',
    )
  if (run.error) throw run.error
  if (run.status !== 0 || !existsSync(join(partial, `kafka_2.13-${version}.jar`))) {
    const text = `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').trim()
    const tail = text.split('\n').slice(-15).join('\n')
    throw new BrokerError(
      `mvn could not fetch org.apache.kafka:kafka_2.13:${version} (exit ${run.status}):\n${tail}`,
    )
  }
  rmSync(join(dir, 'libs'), { recursive: true, force: true })
  renameSync(partial, join(dir, 'libs'))
  // Written last: its presence is what says the download is complete.
  writeFileSync(
    join(dir, READY_MARKER),
    `${JSON.stringify({ version, fetchedAt: new Date().toISOString() })}\n`,
  )
}

// ---- Java ----

const checkJava = () =>
  requireJava17(
    'Kafka 4',
    ': install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME.',
    BrokerError,
  )
const portFree = (port) => portFreeOn(port, HOST)
const logTail = (dir, lines = 30) => tailOf([join(dir, 'server.log'), join(dir, 'broker.out')], lines)

function javaArgs(libs, dir, mainArgs) {
  const extra = (process.env.SLUICE_KAFKA_JVM_OPTS ?? '').split(/\s+/).filter(Boolean)
  return [
    // Small heap and a quick-starting JIT/GC: a test broker on a 2-core machine, not a production one.
    ...['-Xms64m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'],
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
    ...extra,
    '-cp',
    join(libs, '*'),
    ...mainArgs,
  ]
}

// ---- configuration and storage ----

function serverProperties(o) {
  return `# Written by scripts/kafka-broker.mjs on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${o.controllerPort}
listeners=PLAINTEXT://${HOST}:${o.port},CONTROLLER://${HOST}:${o.controllerPort}
advertised.listeners=PLAINTEXT://${HOST}:${o.port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${join(o.dir, 'data')}
# Topics are created explicitly, so a typo in a topic name fails instead of silently making a topic.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# After a crash (kill -9) the old registration must time out before the broker can register again.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
# Retention and compaction act within about a second, so retention tests need not wait long.
log.initial.task.delay.ms=1000
log.retention.check.interval.ms=1000
log.segment.delete.delay.ms=1000
log.cleaner.backoff.ms=1000
log.cleaner.dedupe.buffer.size=16777216
`
}

function log4jProperties(dir) {
  return `status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = ${join(dir, 'server.log')}
appender.file.filePattern = ${join(dir, 'server.log.%i')}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 2
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
`
}

function clusterId() {
  // Kafka's Uuid text form: 16 random bytes, base64url without padding, never starting with '-'.
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

function formatStorage(java, libs, o) {
  const data = join(o.dir, 'data')
  if (existsSync(join(data, 'meta.properties'))) return
  // meta.properties is written last by the format, so without it any leftovers are from a failed format.
  rmSync(data, { recursive: true, force: true })
  const args = [
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId(),
    '-c',
    join(o.dir, 'server.properties'),
  ]
  const run = spawnSync(java, javaArgs(libs, o.dir, args), { encoding: 'utf8' })
  if (run.status !== 0)
    throw new BrokerError(`formatting Kafka storage in ${data} failed:\n${run.stdout}\n${run.stderr}`.trim())
}

// ---- probing ----

// A Kafka ApiVersions v0 request: the broker only answers once it serves requests, i.e. is unfenced.
function answersKafka(port, timeoutMs = 1000) {
  const clientId = Buffer.from('sluice-probe')
  const req = Buffer.alloc(4 + 10 + clientId.length)
  req.writeInt32BE(req.length - 4, 0)
  req.writeInt16BE(18, 4) // api key: ApiVersions
  req.writeInt16BE(0, 6)
  req.writeInt32BE(0x51c0ffee, 8) // correlation id
  req.writeInt16BE(clientId.length, 12)
  clientId.copy(req, 14)
  return new Promise((res) => {
    let got = Buffer.alloc(0)
    const socket = createConnection({ port, host: HOST })
    const done = (ok) => {
      socket.destroy()
      res(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write(req))
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk])
      if (got.length >= 10) done(got.readInt32BE(4) === 0x51c0ffee && got.readInt16BE(8) === 0)
    })
  })
}

function pidFile(dir) {
  return join(dir, 'broker.pid')
}

// The pid file's process, if it is still this state dir's broker (guards against pid reuse on Linux).
function brokerPid(dir) {
  const pid = readPid(pidFile(dir))
  if (pid === undefined || !pidAlive(pid)) return undefined
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmd.includes('kafka.Kafka') && cmd.includes(join(dir, 'server.properties')) ? pid : undefined
  } catch {
    return existsSync('/proc/self') ? undefined : pid
  }
}

function configuredPort(dir) {
  try {
    const m = /^listeners=PLAINTEXT:\/\/[^:]+:(\d+)/m.exec(
      readFileSync(join(dir, 'server.properties'), 'utf8'),
    )
    return m ? Number(m[1]) : undefined
  } catch {
    return undefined
  }
}

// ---- commands ----

async function start(o) {
  mkdirSync(o.dir, { recursive: true })
  return withLock(join(o.dir, 'start.lock'), `another start/stop of ${o.dir}`, LOCK_WAIT_MS, async () => {
    const running = brokerPid(o.dir)
    if (running !== undefined) {
      const port = configuredPort(o.dir)
      if (port !== o.port)
        throw new BrokerError(`the broker of ${o.dir} (pid ${running}) runs on port ${port}; stop it first`)
      if (await answersKafka(o.port)) return `${HOST}:${o.port}`
      // Alive but not answering: a start that was interrupted; wait for it rather than start a second JVM.
      return waitReady(o, running, undefined)
    }
    for (const port of [o.port, o.controllerPort]) {
      if (await portFree(port)) continue
      const what = (await answersKafka(port))
        ? 'a Kafka broker not started from this state dir'
        : 'another process'
      throw new BrokerError(
        `port ${port} on ${HOST} is in use by ${what}; choose other ports (--port/--controller-port) or stop it`,
      )
    }
    const java = checkJava()
    const libs = await ensure(o.version)
    writeFileSync(join(o.dir, 'server.properties'), serverProperties(o))
    writeFileSync(join(o.dir, 'log4j2.properties'), log4jProperties(o.dir))
    formatStorage(java, libs, o)
    return launch(java, libs, o)
  })
}

async function launch(java, libs, o) {
  const out = openSync(join(o.dir, 'broker.out'), 'w')
  const args = javaArgs(libs, o.dir, ['kafka.Kafka', join(o.dir, 'server.properties')])
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
      throw new BrokerError(`the Kafka broker exited during startup (${gone}):\n${logTail(o.dir)}`)
    }
    if (await answersKafka(o.port)) return `${HOST}:${o.port}`
    await sleep(100)
  }
  throw new BrokerError(
    `the Kafka broker (pid ${pid}) did not answer on ${HOST}:${o.port} within ${o.timeoutMs / 1000}s:\n` +
      logTail(o.dir),
  )
}

function stop(o) {
  return stopService(o.dir, brokerPid, pidFile(o.dir), LOCK_WAIT_MS)
}

async function status(o) {
  const pid = brokerPid(o.dir)
  if (pid === undefined) return { running: false, text: `not running (state dir ${o.dir})` }
  const port = configuredPort(o.dir) ?? o.port
  const ready = await answersKafka(port)
  return { running: true, text: `${ready ? 'running' : 'starting'} pid ${pid} at ${HOST}:${port} (${o.dir})` }
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
        `unknown command '${o.command ?? ''}': use start|stop|status|ensure ` +
          '[--port 9092] [--controller-port 9093] [--dir <stateDir>] [--kafka-version x.y.z] [--timeout <seconds>]',
      )
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(
      `kafka-broker: ${e instanceof BrokerError || e instanceof LockTimeoutError ? e.message : (e?.stack ?? e)}`,
    )
    process.exit(1)
  },
)
