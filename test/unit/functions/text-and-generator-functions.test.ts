/**
 * The TypeScript API of the text-format, AES and generator functions (their values are checked
 * against Spark in spark-functions.test.ts): options objects, random IVs, aliases and where a
 * generator may stand.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  aes_decrypt,
  aes_encrypt,
  col,
  format_string,
  from_csv,
  inline_outer,
  isSluiceError,
  json_tuple,
  lit,
  Sluice,
  schema_of_csv,
  stack,
  t,
  to_csv,
} from '../../../src/index.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const rows = sluice.createDataFrame(
  [
    { id: 1, line: '1;x', js: '{"k":"a"}' },
    { id: 2, line: '2;', js: '{"k":[1]}' },
  ],
  t.struct({ id: t.int(), line: t.string(), js: t.string() }),
)

describe('text, AES and generator functions from TypeScript', () => {
  it('reads and writes CSV records with options objects', () => {
    const parsed = rows.select(from_csv('line', 'n INT, s STRING', { sep: ';' }).as('r'))
    assert.deepEqual(
      parsed.collect().map((r) => r.r),
      [
        { n: 1, s: 'x' },
        { n: 2, s: null },
      ],
    )
    const written = parsed.select(to_csv(col('r'), { sep: '|' }).as('csv'))
    assert.deepEqual(
      written.collect().map((r) => r.csv),
      ['1|x', '2|'],
    )
    assert.equal(
      rows.select(schema_of_csv('1;x', { sep: ';' }).as('s')).collect()[0].s,
      'STRUCT<_c0: INT, _c1: STRING>',
    )
  })

  it('encrypts with a fresh random IV each time and decrypts back', () => {
    const key = lit('0123456789abcdef0123456789abcdef')
    const out = rows
      .select(col('id'), aes_encrypt(col('line'), key).as('e1'), aes_encrypt(col('line'), key).as('e2'))
      .select(col('id'), col('e1'), col('e2'), aes_decrypt(col('e1'), key).cast('string').as('back'))
      .collect()
    for (const [i, r] of out.entries()) {
      assert.equal(
        (r.e1 as Uint8Array).length,
        12 + ['1;x', '2;'][i].length + 16,
        'IV + ciphertext + GCM tag',
      )
      assert.notDeepEqual(r.e1, r.e2, 'two encryptions of one value differ (random GCM IV)')
    }
    assert.deepEqual(
      out.map((r) => r.back),
      ['1;x', '2;'],
    )
  })

  it('formats values with format_string', () => {
    assert.deepEqual(
      rows
        .select(format_string('%03d|%-3s|', 'id', 'line').as('f'))
        .collect()
        .map((r) => r.f),
      ['001|1;x|', '002|2; |'],
    )
    assert.throws(
      () => rows.selectExpr("format_string('%s', array(id))").columns,
      (e: unknown) => isSluiceError(e, 'DATATYPE_MISMATCH') && /array<int>/.test((e as Error).message),
    )
    assert.throws(
      () => rows.selectExpr("from_csv(line, 'array<int>')").columns,
      (e: unknown) => isSluiceError(e, 'INVALID_SCHEMA') && /must be a struct/.test((e as Error).message),
    )
  })

  it('adds generator columns beside the other select items', () => {
    const out = rows.select(col('id'), json_tuple('js', 'k', 'missing'), col('line')).collect()
    assert.deepEqual(out, [
      { id: 1, c0: 'a', c1: null, line: '1;x' },
      { id: 2, c0: '[1]', c1: null, line: '2;' },
    ])
    const stacked = rows.select(stack(lit(2), 'id', 'id').as('v')).columns
    assert.deepEqual(stacked, ['v'])
    const empty = rows.selectExpr('id', "inline_outer(filter(array(named_struct('a', id)), x -> x.a > 1))")
    assert.deepEqual(empty.collect(), [
      { id: 1, a: null },
      { id: 2, a: 2 },
    ])
    assert.deepEqual(rows.select(inline_outer(lit(null).cast('array<struct<q:int>>'))).columns, ['q'])
  })

  it('refuses one alias for several generated columns, and a generator inside an expression', () => {
    assert.throws(
      () => rows.select(json_tuple('js', 'a', 'b').as('x')).columns,
      (e: unknown) => isSluiceError(e, 'UNSUPPORTED_OPERATION') && /2 columns/.test((e as Error).message),
    )
    assert.throws(
      () => rows.selectExpr('concat(stack(1, line), id)').columns,
      (e: unknown) =>
        isSluiceError(e, 'UNSUPPORTED_OPERATION') && /top-level item/.test((e as Error).message),
    )
  })
})
