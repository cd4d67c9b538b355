/**
 * Spark type names and DDL schema strings -> Sluice data types (names checked against Spark 4's
 * `parseDataType` / `parseTableSchema`).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../../src/errors.ts'
import { parseSchemaDDL, parseType } from '../../../../src/plan/sql/type-parser.ts'
import { field, structOf, t } from '../../../../src/schema/data-type.ts'

const parseError = (text: string) => (e: unknown) =>
  isSluiceError(e, 'PARSE_ERROR') && e.message.includes(text)

describe('parseType', () => {
  it('maps Spark atomic type names, case-insensitively', () => {
    for (const [name, type] of [
      ['STRING', t.string()],
      ['varchar(10)', t.string()],
      ['char(3)', t.string()],
      ['boolean', t.boolean()],
      ['tinyint', t.byte()],
      ['byte', t.byte()],
      ['SmallInt', t.short()],
      ['short', t.short()],
      ['int', t.int()],
      ['INTEGER', t.int()],
      ['bigint', t.long()],
      ['Long', t.long()],
      ['float', t.float()],
      ['real', t.float()],
      ['double', t.double()],
      ['decimal(10,2)', t.decimal(10, 2)],
      ['dec', t.decimal(10, 0)],
      ['numeric(5)', t.decimal(5, 0)],
      ['DECIMAL(38, 38)', t.decimal(38, 38)],
      ['timestamp', t.timestamp()],
      ['timestamp_ltz', t.timestamp()],
      ['date', t.date()],
      ['binary', t.binary()],
      ['interval day to second', t.interval()],
      ['interval hour', t.interval()],
      ['void', t.null()],
    ] as const) {
      assert.deepEqual(parseType(name), type, name)
    }
  })

  it('parses nested array, map and struct types, closing >> correctly', () => {
    assert.deepEqual(parseType('array<array<int>>'), t.array(t.array(t.int())))
    assert.deepEqual(parseType('map<string, array<bigint>>'), t.map(t.string(), t.array(t.long())))
    assert.deepEqual(
      parseType('struct<a:int, b string NOT NULL, `c d`: array<struct<e:date>>>'),
      structOf([
        field('a', t.int()),
        field('b', t.string(), false),
        field('c d', t.array(structOf([field('e', t.date())]))),
      ]),
    )
    assert.deepEqual(parseType("struct<a:int COMMENT 'x'>"), structOf([field('a', t.int())]))
    assert.deepEqual(parseType('struct<>'), structOf([]))
  })

  it('rejects unknown and unsupported types with a pointed message', () => {
    assert.throws(() => parseType('foo'), parseError('Unsupported data type "FOO" (position 0)'))
    assert.throws(
      () => parseType('array<int'),
      parseError("Syntax error at or near end of input: expected '>'"),
    )
    assert.throws(() => parseType('timestamp_ntz'), parseError('TIMESTAMP_NTZ is not supported'))
    assert.throws(
      () => parseType('interval year to month'),
      parseError('Year-month intervals are not supported'),
    )
    assert.throws(() => parseType('int int'), parseError("Syntax error at or near 'int' (position 4)"))
  })
})

describe('parseSchemaDDL', () => {
  it('parses Spark DDL columns, with NOT NULL making a field non-nullable', () => {
    assert.deepEqual(
      parseSchemaDDL('a INT, b STRING NOT NULL, c ARRAY<STRING>'),
      structOf([field('a', t.int()), field('b', t.string(), false), field('c', t.array(t.string()))]),
    )
  })

  it('accepts and ignores COMMENT, and backquoted names', () => {
    assert.deepEqual(
      parseSchemaDDL('a int not null comment \'key\', `b c` map<string,int> COMMENT "x"'),
      structOf([field('a', t.int(), false), field('b c', t.map(t.string(), t.int()))]),
    )
  })

  it('also accepts PySpark’s `name: type` and struct<...> forms', () => {
    const expected = structOf([field('a', t.int()), field('b', t.string())])
    assert.deepEqual(parseSchemaDDL('a: int, b: string'), expected)
    assert.deepEqual(parseSchemaDDL('struct<a:int,b:string>'), expected)
  })

  it('reports a trailing comma and an empty string', () => {
    assert.throws(
      () => parseSchemaDDL('a int,'),
      parseError('Syntax error at or near end of input: expected a column name (position 6)'),
    )
    assert.throws(() => parseSchemaDDL('  '), parseError('The schema DDL string is empty'))
  })
})
