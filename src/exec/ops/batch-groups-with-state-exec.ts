/**
 * `[map|flatMap]GroupsWithState` on a batch DataFrame (Spark's CoGroup-free batch path): each group
 * is called once with no prior state; timeouts never fire (as Spark).
 */
import type { GroupsWithStateSpec } from '../../plan/logical-plan.ts'
import type { StructType } from '../../schema/data-type.ts'
import type { ExecContext, ExecNode, RowBatch } from '../exec-node.ts'
import { GroupStateImpl, NO_TIMESTAMP } from './group-state-impl.ts'
import { callGroup, callName, decoderOf, encoderOf, groupRows, keyFunction } from './groups-with-state.ts'

export class BatchGroupsWithStateExec implements ExecNode {
  readonly name = 'FlatMapGroupsWithStateExec'
  readonly children: readonly ExecNode[]
  readonly #spec: GroupsWithStateSpec
  readonly #input: StructType
  readonly #watermarkPresent: boolean

  constructor(child: ExecNode, spec: GroupsWithStateSpec, input: StructType, watermarkPresent: boolean) {
    this.children = [child]
    this.#spec = spec
    this.#input = input
    this.#watermarkPresent = watermarkPresent
  }

  describe(): string {
    return `${callName(this.#spec)}, timeout=${this.#spec.timeout}, batch`
  }

  execute(ctx: ExecContext): RowBatch {
    const spec = this.#spec
    const decode = decoderOf(this.#input)
    const objects = this.children[0].execute(ctx).map(decode)
    const out: unknown[] = []
    const now = ctx.runtime.currentTimestamp
    for (const g of groupRows(objects, keyFunction(spec))) {
      const state = new GroupStateImpl<unknown>({
        stateRow: null,
        stateSchema: spec.stateSchema,
        timeout: spec.timeout,
        hasTimedOut: false,
        batchProcessingTimeMs: now,
        watermarkMs: this.#watermarkPresent ? NO_TIMESTAMP : undefined,
      })
      callGroup(spec, g.key, g.rows, state, out)
    }
    return encoderOf(spec)(out as object[])
  }
}
