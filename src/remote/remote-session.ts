/**
 * A remote session (`Sluice.remote('sc://host:15002')`): the same DataFrame API, run by Apache Spark
 * through Spark Connect. Plans are built by the API exactly as embedded, translated to Spark Connect
 * relations (plan-to-connect.ts) and run on the cluster; results come back as Arrow and are decoded
 * into the same typed rows (arrow-rows.ts). One gRPC channel per session; `close()` ends it.
 */

import type { Row } from '../api/row-types.ts'
import { invalidArgument, SluiceError } from '../errors.ts'
import { type Clock, systemClock } from '../io/clock.ts'
import { writeStdout } from '../io/output.ts'
import { type Scheduler, systemScheduler } from '../io/scheduler.ts'
import { node } from '../plan/logical-plan.ts'
import { parseInterval } from '../plan/sql/interval.ts'
import { parseSchemaDDL } from '../plan/sql/type-parser.ts'
import { field, type InferInputRow, type InferRow, type StructType, structOf } from '../schema/data-type.ts'
import { encodeRows } from '../schema/row-codec.ts'
import { validateTimeZone } from '../util/time/index.ts'
import { type RemoteTlsOptions, SparkConnectClient } from './connect-client.ts'
import { type ConnectionSpec, parseConnectionString } from './connection-string.ts'
import { RemoteConnection } from './remote-connection.ts'
import type { RemoteDataFrame } from './remote-data-frame.ts'
import { RemoteEngine } from './remote-engine.ts'
import { RemoteDataFrameReader } from './remote-reader.ts'
import type { RemoteStreamingQueryManager } from './remote-streams.ts'

/** Settings of a remote session. */
export interface RemoteConfig {
  /** Spark's `spark.sql.session.timeZone` for this session, and Sluice's for rendering (default: the process's zone). */
  readonly 'sluice.sql.session.timeZone'?: string
  /** Where show(), printSchema() and explain() print (default: console.log). */
  readonly output?: (text: string) => void
  /** How often `streams.addListener` listeners poll Spark for query events (default '1 second'). */
  readonly 'sluice.remote.listenerPollInterval'?: string
  /** Timers for that polling (default: real ones); tests inject a ManualScheduler. */
  readonly scheduler?: Scheduler
  /** Time for listener event timestamps (default: the system clock). */
  readonly clock?: Clock
  /**
   * TLS beyond the URL's `use_ssl`: a private CA (`ca`), a client certificate (`cert` + `key`), PEM.
   * Giving it turns TLS on; `use_ssl=false` in the URL beside it is an error.
   * @example Sluice.remote('sc://spark:15002', { tls: { ca: readFileSync('ca.pem') } })
   */
  readonly tls?: RemoteTlsOptions
}

const KNOWN_KEYS = [
  'sluice.sql.session.timeZone',
  'output',
  'sluice.remote.listenerPollInterval',
  'scheduler',
  'clock',
  'tls',
]

/** `tls` options turn TLS on, unless the URL turned it off explicitly (refused: contradictory). */
function withTls(spec: ConnectionSpec, tls: RemoteTlsOptions | undefined): ConnectionSpec {
  if (tls === undefined || spec.useSsl) return spec
  if (spec.sslExplicit)
    throw invalidArgument(
      `Sluice.remote('${spec.redacted}') has use_ssl=false but TLS options were given: drop one of them.`,
    )
  if ((tls.cert === undefined) !== (tls.key === undefined))
    throw invalidArgument('Sluice.remote tls: give cert and key together (a client certificate needs both).')
  return { ...spec, useSsl: true }
}

export class RemoteSluice {
  /** The connection string with its token redacted. */
  readonly url: string
  private readonly conn: RemoteConnection

  /**
   * A session on the Spark Connect server at `url` (no call is made until the first action, which
   * also sets Spark's session time zone to Sluice's).
   * @example const spark = new RemoteSluice('sc://localhost:15002')
   */
  constructor(url: string, config: RemoteConfig = {}) {
    for (const key of Object.keys(config))
      if (!KNOWN_KEYS.includes(key))
        throw invalidArgument(
          `Unknown remote configuration key '${key}'. Known keys: ${KNOWN_KEYS.join(', ')}.`,
        )
    const timeZone = config['sluice.sql.session.timeZone'] ?? Intl.DateTimeFormat().resolvedOptions().timeZone
    validateTimeZone(timeZone)
    const out = config.output ?? writeStdout
    const client = new SparkConnectClient(withTls(parseConnectionString(url), config.tls), config.tls)
    this.url = client.spec.redacted
    this.conn = new RemoteConnection(client, new RemoteEngine(timeZone, out), {
      timeZone,
      out,
      scheduler: config.scheduler ?? systemScheduler,
      clock: config.clock ?? systemClock,
      pollIntervalMs: parseInterval(config['sluice.remote.listenerPollInterval'] ?? '1 second'),
    })
  }

  /** The builder of a batch DataFrame over files the cluster reads. @example const df = await spark.read.json('/data/events') */
  get read(): RemoteDataFrameReader {
    return new RemoteDataFrameReader(this.conn)
  }

  /**
   * The builder of a streaming DataFrame read by Spark (files with a schema, `rate`, `kafka`, ...).
   * @example const s = await spark.readStream.format('rate').option('rowsPerSecond', 10).load()
   */
  get readStream(): RemoteDataFrameReader {
    return new RemoteDataFrameReader(this.conn, {
      streaming: true,
      format: 'parquet',
      options: {},
      schema: undefined,
    })
  }

  /** The streaming queries Spark runs for this session. @example await spark.streams.active() */
  get streams(): RemoteStreamingQueryManager {
    return this.conn.streams()
  }

  /** A table or view of the Spark session, e.g. a memory sink's query name. @example await spark.table('counts') */
  async table(name: string): Promise<RemoteDataFrame> {
    return this.conn.frame((await this.conn.describe({ kind: 'table', name })).leaf)
  }

  /** Refused: a memory stream lives in this process. @example Sluice.local().memoryStream(schema) */
  memoryStream(): never {
    throw new SluiceError(
      'UNSUPPORTED_OPERATION',
      'memoryStream cannot feed a query on Spark (its rows live in this process): write the rows to files or Kafka, or use Sluice.local().',
    )
  }

  /**
   * A DataFrame over rows sent to Spark as Arrow, validated against the schema as embedded.
   * @example spark.createDataFrame([{ id: 1 }], t.struct({ id: t.long() }))
   */
  createDataFrame<S extends StructType>(
    rows: readonly InferInputRow<S>[],
    schema: S,
  ): RemoteDataFrame<InferRow<S>>
  /** With a DDL schema, as Spark's: `spark.createDataFrame(rows, 'id BIGINT, name STRING')`. */
  createDataFrame(rows: readonly Row[], schema: string): RemoteDataFrame<Row>
  createDataFrame(rows: readonly object[], schema: StructType | string): RemoteDataFrame<Row> {
    const struct = typeof schema === 'string' ? parseSchemaDDL(schema) : schema
    return this.conn.frame(node('localRelation', { schema: struct, rows: encodeRows(rows, struct) }))
  }

  /** A DataFrame of `id` from start (inclusive) to end (exclusive). @example spark.range(0, 10) */
  range(start: number, end?: number, step = 1): RemoteDataFrame<{ id: number }> {
    const [from, to] = end === undefined ? [0, start] : [start, end]
    if (step === 0) throw invalidArgument('range(): step must not be 0.')
    const rows: unknown[][] = []
    for (let i = from; step > 0 ? i < to : i > to; i += step) rows.push([i])
    return this.conn.frame(
      node('localRelation', { schema: structOf([field('id', { kind: 'long' }, false)]), rows }),
    )
  }

  /** Ends the connection. @example spark.close() */
  close(): void {
    this.conn.close()
  }
}
