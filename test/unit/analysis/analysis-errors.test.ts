import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { col, count, isSluiceError, Sluice, sum, t } from '../../../src/index.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const df = sluice.createDataFrame(
  [{ price: 1, name: 'a', when: 0 }],
  t.struct({ price: t.double(), name: t.string(), when: t.timestamp() }),
)

const fails = (code: string, pattern: RegExp, f: () => unknown) =>
  assert.throws(f, (e) => isSluiceError(e) && e.code === code && pattern.test(e.message))

describe('analysis errors', () => {
  it('names an unknown column and suggests close names', () => {
    fails('COLUMN_NOT_FOUND', /`prise`.*Did you mean.*`price`/s, () => df.select('prise').schema)
  })
  it('rejects sum over a string column', () => {
    fails('DATATYPE_MISMATCH', /sum\(name\)/, () => df.agg(sum('name')).schema)
  })
  it('rejects comparing a number with a timestamp', () => {
    fails('DATATYPE_MISMATCH', /cannot be compared/, () => df.filter(col('price').gt(col('when'))).schema)
  })
  it('rejects an aggregate inside where()', () => {
    fails('AGGREGATE_IN_WHERE', /not allowed/, () => df.filter(count('*').gt(1)).schema)
  })
  it('rejects a non-grouped column after groupBy', () => {
    fails(
      'NOT_GROUPED',
      /`price`.*neither grouped nor aggregated/,
      () => df.groupBy('name').agg(col('price')).schema,
    )
  })
  it('rejects an unknown function with a suggestion', () => {
    fails('UNKNOWN_FUNCTION', /`uper`.*`upper`/, () => df.selectExpr('uper(name)').schema)
  })
  it('rejects rows that do not match the schema', () => {
    fails('INVALID_ROW', /Row 0.*`price`.*double/, () =>
      sluice.createDataFrame(
        [{ price: 'x' as unknown as number, name: null, when: null }],
        t.struct({ price: t.double(), name: t.string(), when: t.timestamp() }),
      ),
    )
    fails('INVALID_ROW', /2\^53/, () => sluice.createDataFrame([{ n: 2 ** 60 }], t.struct({ n: t.long() })))
  })
})
