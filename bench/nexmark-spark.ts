/**
 * The Apache Spark peer's pieces (`npm run bench -- --peers spark`; the comparison itself is
 * bench/nexmark-fair.ts): whether PySpark can run here, the Parquet files both engines read (the
 * generated bids, one file per micro-batch of events, written with Sluice's own `df.write`), and
 * the arguments of the long-lived PySpark process (bench/peers/spark/nexmark_spark.py). When
 * Python, PySpark or Java is missing the comparison says so instead of failing.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, renameSync, rmSync, utimesSync } from 'node:fs'
import path from 'node:path'
import { type NexmarkEvent, nexmarkEvents } from '../src/connectors/nexmark/index.ts'
import { BID_SCHEMA, EVENT_SCHEMA } from '../src/connectors/nexmark/nexmark-source-provider.ts'
import { Sluice } from '../src/index.ts'
import { sourceConfig, viewFolder } from './nexmark-bench.ts'
import type { SparkConfig } from './nexmark-fair-stats.ts'
import { bidsOf } from './nexmark-queries.ts'

/** The PySpark peer script and the Python that runs it ($SLUICE_BENCH_PYTHON or python3). */
export const SPARK_SCRIPT = path.join(import.meta.dirname, 'peers', 'spark', 'nexmark_spark.py')
export const PYTHON = process.env.SLUICE_BENCH_PYTHON ?? 'python3'

/**
 * Whether PySpark can run here: python3 with pyspark, and a Java runtime.
 * @example sparkAvailability() // { ok: true, version: '4.0.1' }
 */
export function sparkAvailability(
  python = PYTHON,
): { ok: true; version: string } | { ok: false; reason: string } {
  const py = spawnSync(python, ['-c', 'import pyspark; print(pyspark.__version__)'], { encoding: 'utf8' })
  if (py.error !== undefined) return { ok: false, reason: `${python} is not available (${py.error.message})` }
  if (py.status !== 0) {
    return { ok: false, reason: `pyspark is not installed for ${python} (pip install pyspark)` }
  }
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' })
  if (java.error !== undefined || java.status !== 0) {
    return { ok: false, reason: 'no Java runtime on the PATH (Spark needs Java 17 or later)' }
  }
  return { ok: true, version: py.stdout.trim() }
}

const eventRow = (e: NexmarkEvent) => ({
  event_type: e.type,
  person: e.person ?? null,
  auction: e.auction ?? null,
  bid: e.bid ?? null,
  dateTime: e.dateTime,
})

/**
 * Writes the bids (view `bid`) or every event in Flink's wire form (view `all`: EVENT_SCHEMA, for
 * the join queries) of events [k, k + eventsPerBatch) of the source's stream to
 * `viewFolder(dir, view)/batch-NNNNN.parquet` for each batch k, with increasing modification times
 * (both file sources take files oldest first). Returns the file paths.
 * @example const files = await writeBidFiles(dir, 1_000_000, 100_000) // 10 files
 */
export async function writeBidFiles(
  dir: string,
  events: number,
  eventsPerBatch: number,
  view: 'bid' | 'all' = 'bid',
  /** Rows per Parquet row group (default: one row group per file). */
  rowGroupSize?: number,
): Promise<string[]> {
  const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', output: () => undefined })
  const config = sourceConfig(events)
  const files: string[] = []
  const mtime0 = Math.floor(Date.now() / 1000) - 86_400
  const folder = viewFolder(dir, view)
  mkdirSync(folder, { recursive: true })
  for (let k = 0, i = 0; k < events; k += eventsPerBatch, i++) {
    const batch = nexmarkEvents(config, k, Math.min(events, k + eventsPerBatch))
    const df =
      view === 'bid'
        ? sluice.createDataFrame([...bidsOf(batch)], BID_SCHEMA)
        : sluice.createDataFrame([...batch].map(eventRow), EVENT_SCHEMA)
    const stage = path.join(dir, `stage-${view}-${i}`)
    const writer = df.write.format('parquet').mode('overwrite')
    await (rowGroupSize === undefined ? writer : writer.option('rowGroupSize', rowGroupSize)).save(stage)
    const parts = readdirSync(stage).filter((f) => f.endsWith('.parquet'))
    if (parts.length !== 1)
      throw new Error(`expected one Parquet part file in ${stage}, found ${parts.length}.`)
    const file = path.join(folder, `batch-${String(i).padStart(5, '0')}.parquet`)
    renameSync(path.join(stage, parts[0]), file)
    rmSync(stage, { recursive: true, force: true })
    utimesSync(file, mtime0 + i, mtime0 + i)
    files.push(file)
  }
  return files
}

/**
 * The Spark connector for Kafka (ivy, from Maven Central): PySpark 4.3.0's own version is not
 * published there, nor is 4.2.0's spark-token-provider-kafka, so 4.2.0's connector is taken with the
 * token provider excluded and 4.0.0's jar (the newest published) added; runs against Spark 4.3.0.
 */
export const SPARK_KAFKA_PACKAGE = 'org.apache.spark:spark-sql-kafka-0-10_2.13:4.2.0'
const SPARK_KAFKA_EXCLUDES = 'org.apache.spark:spark-token-provider-kafka-0-10_2.13'
const SPARK_KAFKA_JARS =
  'https://repo1.maven.org/maven2/org/apache/spark/spark-token-provider-kafka-0-10_2.13/4.0.0/spark-token-provider-kafka-0-10_2.13-4.0.0.jar'

/**
 * The PySpark peer's arguments for `config` (`local[cores]`, shuffle partitions), reading a Kafka
 * topic through `bootstrap` when given (Spark's Kafka connector, see SPARK_KAFKA_PACKAGE).
 * @example sparkPeerArgs({ cores: 2, shufflePartitions: 2, roles: [] }, 100_000)
 */
export function sparkPeerArgs(config: SparkConfig, eventsPerBatch: number, bootstrap?: string): string[] {
  const args = [SPARK_SCRIPT, '--cores', String(config.cores)]
  args.push('--shuffle-partitions', String(config.shufflePartitions), '--per-batch', String(eventsPerBatch))
  if (bootstrap === undefined) return args
  args.push('--kafka-bootstrap', bootstrap, '--kafka-package', SPARK_KAFKA_PACKAGE)
  args.push('--kafka-excludes', SPARK_KAFKA_EXCLUDES, '--kafka-jars', SPARK_KAFKA_JARS)
  return args
}
