/**
 * `MemoryStream`, as Spark's: rows a test adds by hand, each `addData` call one "batch" of data
 * whose offset is its index (a `LongOffset`: -1 before any data, then 0, 1, 2, ...). The stream is
 * itself the SourceProvider of the streaming relation the API builds for it
 * (`sluice.memoryStream(schema).toDF()`), so every query over it reads the same data.
 *
 * Unlike Spark's, `commit` keeps the data: any (start, end] it handed out can be read again, by a
 * rerun, by a second query, or by a restart without a checkpoint (Spark's drops committed blocks,
 * and a fresh query then silently misses them). A test adds little data, so memory is not a concern.
 */
import { SluiceError } from '../../errors.ts'
import type { StructType } from '../../schema/data-type.ts'
import { encodeRows } from '../../schema/row-codec.ts'
import type {
  AvailableNowSource,
  ConnectorContext,
  NotifyingSource,
  Offset,
  ReadLimit,
  SourceProvider,
  SourceRows,
} from '../spi.ts'

/**
 * In-memory test input.
 *
 * @example
 * const input = new MemoryStream(t.struct({ word: t.string() }))
 * input.addData({ word: 'a' }, ['b']) // 0: the offset of this batch of data
 */
export class MemoryStream implements SourceProvider {
  readonly name = 'memory'
  /** The rows' schema (Spark's `fullSchema`). */
  readonly fullSchema: StructType
  readonly description: string
  private readonly blocks: (readonly unknown[])[][] = []
  private readonly listeners = new Set<() => void>()

  constructor(schema: StructType) {
    this.fullSchema = schema
    this.description = `MemoryStream[${schema.fields.map((f) => f.name).join(',')}]`
  }

  /** The offset of the last batch of data added; -1 when none was. */
  get currentOffset(): number {
    return this.blocks.length - 1
  }

  /**
   * Validates `rows` (objects keyed by field name, or positional arrays) against the schema and
   * appends them as one batch of data, even when empty (as Spark's). Returns the new offset and
   * wakes the queries reading the stream.
   *
   * @example
   * input.addData({ word: 'a' }, { word: 'b' }) // 1
   */
  addData(...rows: readonly (object | readonly unknown[])[]): number {
    this.blocks.push(encodeRows(rows, this.fullSchema))
    for (const listener of this.listeners) listener()
    return this.currentOffset
  }

  /** Rows in (start, end], the offsets being batch-of-data indexes. */
  readRange(start: number, end: number): SourceRows {
    if (!(start >= -1 && start <= end && end <= this.currentOffset)) {
      throw new SluiceError(
        'INTERNAL',
        `${this.description} has data up to offset ${this.currentOffset}; it cannot read (${start}, ${end}]. This is a bug in Sluice; please report it.`,
      )
    }
    const out: unknown[][] = []
    for (let i = start + 1; i <= end; i++) for (const row of this.blocks[i]) out.push(row as unknown[])
    return out
  }

  /** Registers a listener for `addData`; returns its removal. */
  subscribe(listener: () => void): () => void {
    const own = (): void => listener()
    this.listeners.add(own)
    return () => {
      this.listeners.delete(own)
    }
  }

  schema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined): StructType {
    if (userSchema !== undefined) {
      throw new SluiceError(
        'UNSUPPORTED_OPERATION',
        'A memory stream does not take a user-specified schema: its schema is the one it was created with.',
      )
    }
    this.validate(options)
    return this.fullSchema
  }

  validate(options: Readonly<Record<string, string>>): void {
    const keys = Object.keys(options)
    if (keys.length > 0) {
      throw new SluiceError(
        'INVALID_OPTION',
        `Unknown option '${keys[0]}' for a memory stream: it takes no options.`,
      )
    }
  }

  createSource(_ctx: ConnectorContext, _schema: StructType): MemoryStreamSource {
    return new MemoryStreamSource(this)
  }
}

/** One query run's view of a MemoryStream: its own availableNow end and its own listeners. */
export class MemoryStreamSource implements NotifyingSource, AvailableNowSource {
  readonly description: string
  private readonly stream: MemoryStream
  private availableNowEnd: number | undefined
  private readonly unsubscribes: (() => void)[] = []

  constructor(stream: MemoryStream) {
    this.stream = stream
    this.description = stream.description
  }

  async initialOffset(): Promise<Offset> {
    return -1
  }

  /** All data added so far (Spark's MemoryStream ignores the read limit too). */
  async latestOffset(start: Offset, _limit: ReadLimit): Promise<Offset> {
    const current = this.availableNowEnd ?? this.stream.currentOffset
    return Math.max(toLongOffset(start), current)
  }

  async getBatch(start: Offset, end: Offset): Promise<SourceRows> {
    return this.stream.readRange(toLongOffset(start), toLongOffset(end))
  }

  async prepareForAvailableNow(): Promise<void> {
    this.availableNowEnd = this.stream.currentOffset
  }

  onNewData(listener: () => void): () => void {
    const unsubscribe = this.stream.subscribe(listener)
    this.unsubscribes.push(unsubscribe)
    return unsubscribe
  }

  async commit(_end: Offset): Promise<void> {}

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe()
  }
}

function toLongOffset(o: Offset): number {
  if (Number.isSafeInteger(o) && (o as number) >= -1) return o as number
  throw new SluiceError(
    'CHECKPOINT_INCOMPATIBLE',
    `${JSON.stringify(o)} is not a memory stream offset (a whole number >= -1): the checkpoint was written for another source. Start the query with a new checkpointLocation.`,
  )
}
