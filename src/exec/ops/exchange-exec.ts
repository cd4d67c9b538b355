/**
 * The exchange in front of a stateful operator input (Spark's ShuffleExchangeExec with
 * HashPartitioning on the state key): a stage boundary. The part of the plan below it runs once
 * per owner over that owner's input rows and routes every item to its key's state partition
 * (`route`: all partitions, not just the owner's); the runtime hands each partition's bucket to the
 * owner that runs it (runtime/plan-stages.ts); the stateful operator above then reads, for each
 * partition it runs, what every owner's exchange sent there (`StreamBatchContext.exchanged`).
 *
 * What is routed is the operator's choice (`ExchangeRouting`): input rows for a dedup, join side
 * or `[flatMap]GroupsWithState`/`transformWithState`, behind-the-watermark rows dropped first;
 * partially aggregated groups for an aggregation (the partial aggregation stays before the
 * exchange, as in Spark). Two owners can send one key to a partition: `combine` folds such items
 * (partial groups merge), or both are kept when the operator takes repeated keys (rows).
 */
import { SluiceError } from '../../errors.ts'
import { compositeKey } from '../../functions/values.ts'
import type { DataType } from '../../schema/data-type.ts'
import type { StateKey } from '../../state/spi.ts'
import type { ExecContext, ExecNode, RowBatch } from '../exec-node.ts'
import { partitionOf, requireStream, type StreamBatchContext } from '../stateful.ts'

/** What an exchange routed to one state partition: the items, each with its state key. */
export interface Exchanged<T = unknown> {
  readonly keys: StateKey[]
  readonly items: T[]
}

/** An exchange's buckets by partition (undefined: nothing routed there, or not this owner's). */
export type ExchangedParts = readonly (Exchanged | undefined)[]

/** How the operator above turns the exchange's input rows into routed items. */
export interface ExchangeRouting {
  /** The state key's column types (Spark's HashPartitioning hashes them). */
  readonly keyTypes: readonly DataType[]
  /** Routes each item of `rows` with `route(key, item)`: late rows dropped, a partial aggregation. */
  readonly route: (
    rows: RowBatch,
    s: StreamBatchContext,
    route: (key: StateKey, item: unknown) => void,
  ) => void
  /** Folds item `b` into item `a` of the same key (two owners sent it); absent: both are kept. */
  readonly combine?: (a: unknown, b: unknown) => void
  /** What runs before the routing, for explain (`partial aggregation`). */
  readonly partial?: string
}

export interface ExchangeOptions {
  /** The stateful operator it feeds. */
  readonly operatorId: number
  /** Which input of that operator (0; a stream-stream join's right side is 1). */
  readonly input: number
  readonly numPartitions: number
  /** The state key's column names (for explain). */
  readonly keys: readonly string[]
}

export class ExchangeExec implements ExecNode {
  readonly name = 'ExchangeExec'
  readonly children: readonly ExecNode[]
  readonly opts: ExchangeOptions
  private readonly routing: ExchangeRouting

  constructor(child: ExecNode, opts: ExchangeOptions, routing: ExchangeRouting) {
    this.children = [child]
    this.opts = opts
    this.routing = routing
  }

  describe(): string {
    const { keys, numPartitions, operatorId, input } = this.opts
    const partial = this.routing.partial === undefined ? '' : `, ${this.routing.partial}`
    return `hashpartitioning(${keys.join(', ')}, ${numPartitions}), operator=${operatorId}, input=${input}${partial}`
  }

  /**
   * Only a late candidate's replay runs through an exchange as rows (routeLateRows); otherwise the
   * runtime runs it as a stage (`route`).
   */
  execute(ctx: ExecContext): RowBatch {
    if (ctx.replay !== undefined) return this.children[0].execute(ctx)
    throw new SluiceError(
      'INTERNAL',
      `The exchange in front of operator ${this.opts.operatorId} was run as a row operator; the runtime runs it as a stage. This is a bug in Sluice; please report it.`,
    )
  }

  /**
   * Below the exchange: runs the child over this owner's input and routes every item to its state
   * partition; returns the buckets of every partition.
   *
   * @example const parts = exchange.route(ctx); parts[3]?.keys
   */
  route(ctx: ExecContext): ExchangedParts {
    const s = requireStream(ctx, this.name)
    const n = this.opts.numPartitions
    const parts: (Exchanged | undefined)[] = new Array(n)
    const types = this.routing.keyTypes
    this.routing.route(this.children[0].execute(ctx), s, (key, item) => {
      const p = partitionOf(key, types, n)
      const part = parts[p]
      if (part === undefined) parts[p] = { keys: [key], items: [item] }
      else {
        part.keys.push(key)
        part.items.push(item)
      }
    })
    return parts
  }

  /**
   * The bucket of one partition once `more` (from another owner) has arrived after `into`: items
   * of a key both hold are folded together when the operator combines them.
   */
  combine(into: Exchanged, more: Exchanged): Exchanged {
    const { combine } = this.routing
    const keys = [...into.keys]
    const items = [...into.items]
    if (combine === undefined) {
      keys.push(...more.keys)
      items.push(...more.items)
      return { keys, items }
    }
    const at = new Map<string, number>()
    for (let i = 0; i < keys.length; i++) at.set(compositeKey(keys[i]), i)
    for (let i = 0; i < more.keys.length; i++) {
      const id = compositeKey(more.keys[i])
      const j = at.get(id)
      if (j !== undefined) combine(items[j], more.items[i])
      else {
        at.set(id, keys.length)
        keys.push(more.keys[i])
        items.push(more.items[i])
      }
    }
    return { keys, items }
  }
}
