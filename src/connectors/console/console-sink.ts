/**
 * `format('console')`: prints every batch as Spark's `ConsoleWrite` does — a dashed line,
 * `Batch: <id>`, a dashed line, then the rows as `Dataset.show(numRows, truncate)` prints them.
 * Options `numRows` (default 20, >= 0) and `truncate` (default true: cells cut to 20 characters).
 *
 * Delivery guarantee: none. A batch rerun after a restart is printed again.
 */
import type { StructType } from '../../schema/data-type.ts'
import { formatTable } from '../../util/table-format.ts'
import { readOptions, WRITER_OPTIONS } from '../connector-options.ts'
import type { DeliveryGuarantee, Sink, SinkBatch, SinkContext, SinkProvider } from '../spi.ts'

const DASHES = '-------------------------------------------'

export interface ConsoleOptions {
  readonly numRows: number
  readonly truncate: boolean
}

/**
 * Validates the console sink's options.
 *
 * @example
 * parseConsoleOptions({ truncate: 'false' }) // { numRows: 20, truncate: false }
 */
export function parseConsoleOptions(options: Readonly<Record<string, string>>): ConsoleOptions {
  const o = readOptions('console sink', options, ['numRows', 'truncate', ...WRITER_OPTIONS])
  const numRows = o.int('numRows', 20)
  if (numRows < 0) throw o.invalid('numRows', 'it must be zero or more')
  return { numRows, truncate: o.boolean('truncate', true) }
}

/** Prints each batch through the session's output (`ctx.print`). */
export class ConsoleSink implements Sink {
  readonly description: string
  readonly guarantee: DeliveryGuarantee = 'none'
  private readonly ctx: SinkContext
  private readonly opts: ConsoleOptions
  private renderedSchema: StructType | undefined
  private render: ((row: readonly unknown[]) => (string | null)[]) | undefined

  constructor(ctx: SinkContext, opts: ConsoleOptions) {
    this.ctx = ctx
    this.opts = opts
    this.description = `ConsoleWriter[numRows=${opts.numRows}, truncate=${opts.truncate}]`
  }

  async addBatch(batch: SinkBatch): Promise<void> {
    this.ctx.print(formatConsoleBatch(batch, this.opts, this.renderer(batch.schema)))
  }

  async stop(): Promise<void> {}

  private renderer(schema: StructType): (row: readonly unknown[]) => (string | null)[] {
    if (this.render === undefined || this.renderedSchema !== schema) {
      this.render = this.ctx.renderCells(schema)
      this.renderedSchema = schema
    }
    return this.render
  }
}

/**
 * The console sink's text for one batch, exactly as Spark 4 prints it: `show()` ends the table
 * with a blank line, or with the "only showing top N rows" line when rows were left out.
 *
 * @example
 * formatConsoleBatch(batch, { numRows: 20, truncate: true }, render)
 * // '-------------------------------------------\nBatch: 0\n-------------------------------------------\n+-----+\n|value|\n...'
 */
export function formatConsoleBatch(
  batch: SinkBatch,
  opts: ConsoleOptions,
  render: (row: readonly unknown[]) => (string | null)[],
): string {
  const { rows, schema } = batch
  const shown = rows.slice(0, opts.numRows).map(render)
  const hasMore = rows.length > opts.numRows
  const names = schema.fields.map((f) => f.name)
  const table = formatTable(names, shown, hasMore, { n: opts.numRows, truncate: opts.truncate })
  // Spark println()s showString: a full table gains a blank line; the "only showing" line has no
  // newline of its own, so println only ends it (formatTable already did).
  return `${DASHES}\nBatch: ${batch.batchId}\n${DASHES}\n${table}${hasMore ? '' : '\n'}`
}

/**
 * The `console` sink provider.
 *
 * @example
 * const sink = consoleSinkProvider.createSink(ctx) // ctx.options: { numRows: '5' }
 */
export const consoleSinkProvider: SinkProvider = Object.freeze({
  name: 'console',
  validate(options: Readonly<Record<string, string>>): void {
    parseConsoleOptions(options)
  },
  createSink(ctx: SinkContext): Sink {
    return new ConsoleSink(ctx, parseConsoleOptions(ctx.options))
  },
} satisfies SinkProvider)
