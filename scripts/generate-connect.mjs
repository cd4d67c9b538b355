#!/usr/bin/env node
// Generates the Spark Connect protocol code in src/remote/gen from the .proto files that ship inside the
// spark-connect jar (the source of truth; nothing in src/remote/gen is written by hand).
//   node scripts/generate-connect.mjs [--jar <spark-connect_2.13-x.y.z.jar>]
// The jar is found in PySpark's jars/ (pip install pyspark==4.3.0), or downloaded once from Maven Central
// (org.apache.spark:spark-connect_2.13:<version>) into the Sluice cache. The .proto files are extracted into
// src/remote/proto and compiled by buf (npm @bufbuild/buf) with protoc-gen-es (npm @bufbuild/protoc-gen-es)
// to JavaScript plus .d.ts (target js+dts: the project's erasable-syntax-only TypeScript has no enums).
// Both folders are committed, so typechecking needs neither Java nor PySpark; rerun this to move versions.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const SPARK_VERSION = '4.3.0'
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const protoDir = join(root, 'src', 'remote', 'proto')
const genDir = join(root, 'src', 'remote', 'gen')
const bin = (name) => join(root, 'node_modules', '.bin', name)

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts })
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? ''}\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

function pysparkJar() {
  const r = spawnSync(
    process.env.SLUICE_PYTHON || 'python3',
    ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'],
    {
      encoding: 'utf8',
    },
  )
  if (r.status !== 0) return undefined
  const jar = join(r.stdout.trim(), 'jars', `spark-connect_2.13-${SPARK_VERSION}.jar`)
  return existsSync(jar) ? jar : undefined
}

async function mavenJar() {
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sluice', 'spark-connect-jar')
  const name = `spark-connect_2.13-${SPARK_VERSION}.jar`
  const jar = join(cache, name)
  if (existsSync(jar)) return jar
  const url = `https://repo1.maven.org/maven2/org/apache/spark/spark-connect_2.13/${SPARK_VERSION}/${name}`
  console.error(`Downloading ${url} (once)...`)
  const res = await fetch(url)
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`)
  mkdirSync(cache, { recursive: true })
  writeFileSync(`${jar}.partial`, Buffer.from(await res.arrayBuffer()))
  cpSync(`${jar}.partial`, jar)
  rmSync(`${jar}.partial`)
  return jar
}

const { values } = parseArgs({ options: { jar: { type: 'string' } } })
const jar = values.jar ?? pysparkJar() ?? (await mavenJar())
console.error(`Extracting spark/connect/*.proto from ${jar}`)
rmSync(protoDir, { recursive: true, force: true })
mkdirSync(protoDir, { recursive: true })
run('unzip', ['-q', '-o', jar, 'spark/connect/*.proto', '-d', protoDir])
writeFileSync(
  join(protoDir, 'buf.yaml'),
  '# Written by scripts/generate-connect.mjs.\nversion: v2\nlint:\n  use: [MINIMAL]\n',
)
writeFileSync(
  join(protoDir, 'buf.gen.yaml'),
  `# Written by scripts/generate-connect.mjs: Spark ${SPARK_VERSION} Spark Connect protocol.
version: v2
plugins:
  - local: protoc-gen-es
    out: ../gen
    opt: [target=js+dts, import_extension=js]
`,
)
rmSync(genDir, { recursive: true, force: true })
run(bin('buf'), ['generate'], {
  cwd: protoDir,
  env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` },
})
writeFileSync(join(genDir, 'VERSION'), `${SPARK_VERSION}\n`)
console.error(`Generated ${readdirSync(join(genDir, 'spark', 'connect')).length} files in ${genDir}`)
