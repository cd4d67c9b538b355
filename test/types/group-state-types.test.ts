// Type tests for groupByKey / mapGroupsWithState / flatMapGroupsWithState: the key, the input rows,
// the state and the output are inferred from the key type and the schemas; `npm run typecheck`
// fails if they regress. The runtime assertion checks the same query's answer.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { type DataFrame, type GroupState, Sluice, t } from '../../src/index.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const expectType = <T extends true>(_: T): void => {}
type RowOf<D> = D extends DataFrame<infer R> ? R : never

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const S = t.struct({ user: t.notNull(t.string()), amount: t.long() })
const df = sluice.createDataFrame(
  [
    { user: 'a', amount: 2 },
    { user: 'a', amount: 3 },
  ],
  S,
)

const totals = df
  .groupByKey((r) => r.user, t.string())
  .mapGroupsWithState(
    (user, rows, state) => {
      expectType<Equal<typeof user, string | null>>(true)
      expectType<Equal<typeof rows, Iterable<{ user: string; amount: number | null }>>>(true)
      expectType<Equal<typeof state, GroupState<{ total: number | null }>>>(true)
      let total = state.getOption?.total ?? 0
      for (const r of rows) total += r.amount ?? 0
      state.update({ total })
      // @ts-expect-error the state must match its schema
      if (total < 0) state.update({ total: 'x' })
      return { user, total }
    },
    {
      stateSchema: t.struct({ total: t.long() }),
      outputSchema: t.struct({ user: t.string(), total: t.long() }),
    },
  )
expectType<Equal<RowOf<typeof totals>, { user: string | null; total: number | null }>>(true)

it('infers the key, rows, state and output types of mapGroupsWithState', () => {
  assert.deepEqual(totals.collect(), [{ user: 'a', total: 5 }])
})
