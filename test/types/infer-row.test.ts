// Type tests: these lines fail `npm run typecheck` if inference regresses; the runtime test only
// keeps node:test from reporting an empty file.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { type InferInputRow, type InferRow, t } from '../../src/schema/data-type.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const expectType = <T extends true>(_: T): void => {}

const S = t.struct({
  id: t.notNull(t.long()),
  name: t.string(),
  tags: t.array(t.string()),
  bytes: t.binary(),
  attrs: t.map(t.string(), t.double()),
  nested: t.struct({ ok: t.notNull(t.boolean()) }),
})
type Row = InferRow<typeof S>

expectType<Equal<Row['id'], number>>(true)
expectType<Equal<Row['name'], string | null>>(true)
expectType<Equal<Row['tags'], (string | null)[] | null>>(true)
expectType<Equal<Row['bytes'], Uint8Array | null>>(true)
expectType<Equal<Row['attrs'], Map<string, number | null> | null>>(true)
expectType<Equal<Row['nested'], { ok: boolean } | null>>(true)
// Decimals come out as their text and go in as text, numbers or bigints.
const D = t.struct({ price: t.notNull(t.decimal(10, 2)), xs: t.array(t.decimal(5, 1)) })
expectType<Equal<InferRow<typeof D>['price'], string>>(true)
expectType<Equal<InferRow<typeof D>['xs'], (string | null)[] | null>>(true)
expectType<Equal<InferInputRow<typeof D>['price'], string | number | bigint>>(true)
// @ts-expect-error a required field cannot be null
const bad: Row = { id: null, name: null, tags: null, bytes: null, attrs: null, nested: null }

it('infers row types from schemas (checked by the type checker)', () => {
  assert.equal(bad.id, null)
})
