/**
 * The `socket` source, as Spark's `TextSocketMicroBatchStream`: UTF-8 text lines read from a TCP
 * connection, one row per line; the offset is the index of the last line read (-1 before any).
 *
 * NOT FAULT-TOLERANT, exactly as Spark warns ("The socket source should not be used for production
 * applications! It does not support recovery."): lines live only in this process until their batch
 * commits, so lines not yet committed when the query stops are lost, and after a restart the new
 * connection's lines are counted from 0 again, so those at or below the checkpoint's last offset
 * are skipped. For tutorials and debugging only.
 */
import { connect, type Socket } from 'node:net'
import { SluiceError } from '../../errors.ts'
import type { ConnectorContext, NotifyingSource, Offset, ReadLimit, SourceRows } from '../spi.ts'
import { LineSplitter } from './line-splitter.ts'

export interface SocketOptions {
  readonly host: string
  readonly port: number
  readonly includeTimestamp: boolean
  readonly numPartitions: number
}

/** A connection opened at creation; lines are kept from the last commit on. */
export class SocketSource implements NotifyingSource {
  readonly description: string
  private readonly ctx: ConnectorContext
  private readonly opts: SocketOptions
  private readonly socket: Socket
  private readonly connected: Promise<void>
  private connectError: Error | undefined
  private readonly splitter = new LineSplitter()
  private readonly listeners = new Set<() => void>()
  /** Rows of lines lastCommitted+1 .. currentOffset, in arrival order. */
  private rows: unknown[][] = []
  private currentOffset = -1
  private lastCommitted = -1

  constructor(ctx: ConnectorContext, opts: SocketOptions) {
    this.ctx = ctx
    this.opts = opts
    this.description = `TextSocketV2[host: ${opts.host}, port: ${opts.port}]`
    this.socket = connect({ host: opts.host, port: opts.port })
    this.socket.setEncoding('utf8')
    let isConnected = false
    this.connected = new Promise<void>((resolve) => {
      this.socket.once('connect', () => {
        isConnected = true
        resolve()
      })
      // NOTE: like Spark's reader thread, an error after connecting only ends the reading: the lines
      // read so far stay readable. Before connecting, it is the query's error (latestOffset throws it).
      this.socket.on('error', (e) => {
        if (isConnected) return
        this.connectError = e
        resolve()
      })
    })
    this.socket.on('data', (chunk: string) => this.addLines(this.splitter.push(chunk)))
    this.socket.on('end', () => this.addLines(this.splitter.end()))
  }

  async initialOffset(): Promise<Offset> {
    return -1
  }

  /** The last line read (the read limit does not apply, as in Spark). Fails if the connection did. */
  async latestOffset(start: Offset, _limit: ReadLimit): Promise<Offset> {
    await this.connected
    if (this.connectError !== undefined) {
      throw new SluiceError(
        'INVALID_OPTION',
        `The socket source cannot connect to ${this.opts.host}:${this.opts.port} (${this.connectError.message}). Check the 'host' and 'port' options and that a server listens there (e.g. nc -lk ${this.opts.port}).`,
        { cause: this.connectError },
      )
    }
    return Math.max(toLineOffset(start), this.currentOffset)
  }

  async getBatch(start: Offset, end: Offset): Promise<SourceRows> {
    const s = toLineOffset(start)
    const e = toLineOffset(end)
    if (s < this.lastCommitted || s > e) {
      throw new SluiceError(
        'INTERNAL',
        `socket source: cannot read lines (${s}, ${e}] after committing up to ${this.lastCommitted}. This is a bug in Sluice; please report it.`,
      )
    }
    // After a restart the range may reach past this connection's lines: it reads what is there.
    const slice = this.rows.slice(s - this.lastCommitted, e - this.lastCommitted)
    return byPartition(slice, this.opts.numPartitions)
  }

  async commit(end: Offset): Promise<void> {
    const e = toLineOffset(end)
    if (e < this.lastCommitted) {
      throw new SluiceError(
        'INTERNAL',
        `socket source: offsets committed out of order: ${this.lastCommitted} followed by ${e}. This is a bug in Sluice; please report it.`,
      )
    }
    this.rows.splice(0, e - this.lastCommitted)
    this.lastCommitted = e
  }

  onNewData(listener: () => void): () => void {
    const own = (): void => listener()
    this.listeners.add(own)
    return () => {
      this.listeners.delete(own)
    }
  }

  /** Closes the connection. */
  async stop(): Promise<void> {
    this.listeners.clear()
    this.socket.destroy()
  }

  private addLines(lines: readonly string[]): void {
    if (lines.length === 0) return
    const now = this.opts.includeTimestamp ? this.ctx.now() : 0
    for (const line of lines) {
      this.currentOffset++
      // Lines at or below a commit made before they arrived (a restart) are skipped, not kept.
      if (this.currentOffset > this.lastCommitted) {
        this.rows.push(this.opts.includeTimestamp ? [line, now] : [line])
      }
    }
    for (const listener of this.listeners) listener()
  }
}

/** Spark deals rows round-robin into numPartitions slices and reads them slice after slice. */
function byPartition(rows: unknown[][], numPartitions: number): SourceRows {
  if (numPartitions === 1) return rows
  const out: unknown[][] = []
  for (let p = 0; p < numPartitions; p++) {
    for (let i = p; i < rows.length; i += numPartitions) out.push(rows[i])
  }
  return out
}

function toLineOffset(o: Offset): number {
  if (Number.isSafeInteger(o) && (o as number) >= -1) return o as number
  throw new SluiceError(
    'CHECKPOINT_INCOMPATIBLE',
    `${JSON.stringify(o)} is not a socket source offset (a whole number >= -1): the checkpoint was written for another source. Start the query with a new checkpointLocation.`,
  )
}
