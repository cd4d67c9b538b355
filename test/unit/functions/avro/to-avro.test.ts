// to_avro with a given Avro schema (Spark's AvroSerializer rules). Bytes and errors marked "Spark"
// were returned by PySpark 4 with spark-avro 4.1.1; suite names refer to Spark's AvroFunctionsSuite.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileFromAvro, compileToAvro } from '../../../../src/functions/avro/index.ts'
import {
  expr,
  from_avro,
  isSluiceError,
  type Row,
  Sluice,
  struct,
  t,
  to_avro,
} from '../../../../src/index.ts'
import { type DataType, simpleString } from '../../../../src/schema/data-type.ts'

const utc = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const one = utc.range(1)
const hex = (b: unknown) =>
  Buffer.from(b as Uint8Array)
    .toString('hex')
    .toUpperCase()
const sqlHex = (sql: string) => hex((one.select(expr(sql).alias('x')).collect()[0] as Row).x)
const record = (fields: string) => `{"type":"record","name":"r","fields":[${fields}]}`
const encodeHex = (type: DataType, schema: string, value: unknown) =>
  hex(compileToAvro(type, false, schema).encode(value))

describe('to_avro with a schema', () => {
  it('writes what Spark writes for matching types', () => {
    const E = '{"type":"enum","name":"E","symbols":["A","B"]}'
    // Spark: hex(to_avro(named_struct('e','B'), <enum record>)) = 02.
    assert.equal(sqlHex(`to_avro(named_struct('e', 'B'), '${record(`{"name":"e","type":${E}}`)}')`), '02')
    // Spark: a timestamp into timestamp-millis, and into a plain long, is milliseconds: D00F.
    assert.equal(
      sqlHex(`to_avro(TIMESTAMP'1970-01-01 00:00:01', '{"type":"long","logicalType":"timestamp-millis"}')`),
      'D00F',
    )
    assert.equal(sqlHex(`to_avro(TIMESTAMP'1970-01-01 00:00:01', '"long"')`), 'D00F')
    // Spark: a long into ["int","long"] takes the long branch: 020A.
    assert.equal(sqlHex(`to_avro(CAST(5 AS BIGINT), '["int","long"]')`), '020A')
    // Spark: a double into ["float","double"] takes the double branch.
    assert.equal(sqlHex(`to_avro(CAST(1.5 AS DOUBLE), '["float","double"]')`), '02000000000000F83F')
    // Spark: a nullable int into ["null","int"] is 0202 (branch 1).
    assert.equal(encodeHex(t.int(), '["null","int"]', 1), '0202')
    // Spark: field names match ignoring case; a nullable Avro field with no SQL field is written null.
    assert.equal(sqlHex(`to_avro(named_struct('A', 1), '${record('{"name":"a","type":"int"}')}')`), '02')
    assert.equal(
      sqlHex(
        `to_avro(named_struct('a', 1), '${record('{"name":"a","type":"int"},{"name":"b","type":["null","int"]}')}')`,
      ),
      '0200',
    )
  })

  it('writes Spark complex unions from member structs', () => {
    const U = t.struct({ member0: t.int(), member1: t.string() })
    const S = record('{"name":"u","type":["int","string"]}')
    // Spark: named_struct('u', named_struct('member0', NULL, 'member1', 'x')) -> 020278; both set -> 000A.
    assert.equal(encodeHex(t.struct({ u: U }), S, { u: { member0: null, member1: 'x' } }), '020278')
    assert.equal(encodeHex(t.struct({ u: U }), S, { u: { member0: 5, member1: 'x' } }), '000A')
    // Spark: every member null is the null branch when the union has one (00), an error otherwise.
    const withNull = record('{"name":"u","type":["null","int","string"]}')
    assert.equal(encodeHex(t.struct({ u: U }), withNull, { u: { member0: null, member1: null } }), '00')
    assert.throws(
      () => encodeHex(t.struct({ u: U }), S, { u: { member0: null, member1: null } }),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /null/.test(e.message),
    )
  })

  it('writes decimals, floats and local timestamps from Sluice doubles and timestamps', () => {
    // Spark: CAST(-1.23 AS DECIMAL(5,2)) as decimal bytes -> 0285, as fixed(4) -> FFFFFF85.
    assert.equal(
      encodeHex(t.double(), '{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}', -1.23),
      '0285',
    )
    assert.equal(
      encodeHex(
        t.double(),
        '{"type":"fixed","name":"F","size":4,"logicalType":"decimal","precision":5,"scale":2}',
        -1.23,
      ),
      'FFFFFF85',
    )
    // HALF_UP from the double's shortest text, as Spark's CAST(1.005D AS DECIMAL(5,2)) = 1.01.
    const dec = '{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}'
    assert.equal(compileFromAvro(dec).decode(compileToAvro(t.double(), false, dec).encode(1.005)), '1.01')
    assert.throws(
      () => compileToAvro(t.double(), false, dec).encode(1000),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /decimal\(5,2\)/.test(e.message),
    )
    assert.throws(
      () => compileToAvro(t.double(), false, dec).encode(Number.NaN),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
    assert.equal(encodeHex(t.double(), '"float"', 0.5), '0000003F')
    assert.equal(
      encodeHex(t.timestamp(), '{"type":"long","logicalType":"local-timestamp-micros"}', 1),
      'D00F',
    )
  })

  it('refuses what Spark refuses, naming the field', () => {
    const mismatch = (e: unknown) => isSluiceError(e, 'DATATYPE_MISMATCH')
    // Spark: Cannot find field 'b' in Avro schema.
    assert.throws(
      () => sqlHex(`to_avro(named_struct('a', 1, 'b', 2), '${record('{"name":"a","type":"int"}')}')`),
      (e) => mismatch(e) && /Cannot find field 'b' in Avro schema/.test((e as Error).message),
    )
    // Spark: Found field 'b' in Avro schema but there is no match in the SQL schema.
    assert.throws(
      () =>
        sqlHex(
          `to_avro(named_struct('a', 1), '${record('{"name":"a","type":"int"},{"name":"b","type":"int"}')}')`,
        ),
      (e) => mismatch(e) && /Found field 'b' in Avro schema/.test((e as Error).message),
    )
    // Spark: schema is incompatible (sqlType = INT, avroType = "long").
    assert.throws(
      () => sqlHex(`to_avro(1, '"long"')`),
      (e) => mismatch(e) && /sqlType = int/.test((e as Error).message),
    )
    // Spark: "C" cannot be written since it's not defined in enum "A", "B".
    const E = record('{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}')
    assert.throws(
      () => sqlHex(`to_avro(named_struct('e', 'C'), '${E}')`),
      (e) =>
        isSluiceError(e, 'INVALID_ARGUMENT') && /not defined in enum "A", "B"/.test((e as Error).message),
    )
    // Spark: 1 byte of binary data cannot be written into FIXED type with size of 2 bytes.
    assert.throws(
      () => sqlHex(`to_avro(X'01', '{"type":"fixed","name":"F","size":2}')`),
      (e) =>
        /1 byte of binary data cannot be written into FIXED type with size of 2 bytes/.test(
          (e as Error).message,
        ),
    )
    // Spark: [AVRO_CANNOT_WRITE_NULL_FIELD] Cannot write null value for field `a` defined as non-null Avro data type "int".
    const df = utc.createDataFrame([{ x: null }], t.struct({ x: t.int() }))
    assert.throws(
      () => df.select(to_avro(struct('x'), record('{"name":"x","type":"int"}'))).collect(),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /null value at field 'x'/.test((e as Error).message),
    )
    // Spark: the second argument of TO_AVRO must be a constant string.
    assert.throws(
      () => sqlHex('to_avro(1, 42)'),
      (e) => mismatch(e) && /second argument/.test((e as Error).message),
    )
  })
})

describe('AvroFunctionsSuite round trips', () => {
  const ids = utc.range(10)

  it('"roundtrip in to_avro and from_avro - int and string" (a long read as int)', () => {
    const back = ids
      .select(to_avro('id').alias('a'), to_avro(expr('CAST(id AS STRING)')).alias('b'))
      .select(
        from_avro('a', '{"type":"int","name":"id"}').alias('id'),
        from_avro('b', '{"type":"string","name":"str"}').alias('str'),
      )
    assert.deepEqual(
      back.collect(),
      [...Array(10).keys()].map((i) => ({ id: i, str: String(i) })),
    )
  })

  it('"struct with nullable Avro schema" and "to_avro optional union Avro schema"', () => {
    const df = ids.select(expr("named_struct('id', id, 'str', CAST(id AS STRING))").alias('s'))
    for (const idType of ['"long"', '["null","int","long"]', '["int","long"]']) {
      const schema = `{"type":"record","name":"struct","fields":[{"name":"id","type":${idType}},{"name":"str","type":["null","string"]}]}`
      const back = df.select(to_avro('s', schema).alias('avro')).select(from_avro('avro', schema).alias('s'))
      assert.deepEqual(back.collect(), df.collect(), idType)
    }
  })

  it('"to_avro complex union Avro schema" and SPARK-48545 (the SQL functions)', () => {
    const df = utc.createDataFrame(
      [
        { member0: 1, member1: null },
        { member0: null, member1: 'a' },
      ],
      t.struct({ member0: t.int(), member1: t.string() }),
    )
    const schema = '{"type":"record","name":"struct","fields":[{"name":"u","type":["int","string"]}]}'
    const s = df.select(
      expr("named_struct('u', named_struct('member0', member0, 'member1', member1))").alias('s'),
    )
    const avro = s.select(expr(`to_avro(s, '${schema}')`).alias('result'))
    assert.deepEqual(avro.select(expr(`from_avro(result, '${schema}', map()).u`).alias('u')).collect(), [
      { u: { member0: 1, member1: null } },
      { u: { member0: null, member1: 'a' } },
    ])
    assert.deepEqual(s.select(expr('length(to_avro(s)) > 0').alias('ok')).collect(), [
      { ok: true },
      { ok: true },
    ])
  })

  it('"roundtrip in to_avro and from_avro - array with null"', () => {
    const df = utc.createDataFrame(
      [{ array: [{ _1: 1 }] }, { array: [null] }],
      t.struct({ array: t.array(t.struct({ _1: t.notNull(t.int()) })) }),
    )
    const schema =
      '[{"type":"array","items":[{"type":"record","name":"x","fields":[{"name":"y","type":"int"}]},"null"]},"null"]'
    const back = df.select(to_avro('array').alias('avro')).select(from_avro('avro', schema).alias('array'))
    assert.deepEqual(back.collect(), [{ array: [{ y: 1 }] }, { array: [null] }])
  })
})

// Avro has no 8- or 16-bit integers: Spark's AvroSerializer writes tinyint and smallint as Avro int
// and float as Avro float, and its deserializer reads Avro float as float. The bytes below follow the
// Avro spec (zigzag varints, little-endian IEEE floats); no spark-avro jar was at hand to confirm them.
describe('to_avro and from_avro with tinyint, smallint and float', () => {
  it('writes tinyint and smallint as Avro int and float as Avro float', () => {
    assert.equal(sqlHex('to_avro(CAST(5 AS TINYINT))'), '0A')
    assert.equal(sqlHex('to_avro(CAST(-300 AS SMALLINT))'), 'D704')
    assert.equal(sqlHex('to_avro(1.5F)'), '0000C03F')
    assert.equal(encodeHex(t.short(), '"int"', 7), '0E')
    assert.equal(encodeHex(t.float(), '"double"', 0.5), '000000000000E03F')
  })

  it('round trips a struct of them, reading back int, int and float', () => {
    const row = one.select(
      from_avro(
        to_avro(expr("named_struct('b', -1Y, 's', 2S, 'f', CAST(0.1 AS FLOAT))")),
        record('{"name":"b","type":"int"},{"name":"s","type":"int"},{"name":"f","type":"float"}'),
      ).alias('x'),
    )
    assert.equal(row.schema.fields[0].type.kind, 'struct')
    assert.deepEqual(row.collect(), [{ x: { b: -1, s: 2, f: Math.fround(0.1) } }])
  })
})

describe('to_avro and from_avro with decimals', () => {
  // Spark 4 with spark-avro 4.1.1 (test/unit/functions/spark/decimal_avro.py).
  it('writes a decimal as Spark does: a fixed of the fewest bytes for the precision', () => {
    assert.equal(sqlHex('to_avro(CAST(-1.23 AS DECIMAL(5,2)))'), 'FFFF85')
    assert.equal(sqlHex('to_avro(CAST(1.5 AS DECIMAL(38,10)))'), '0000000000000000000000037E11D600')
    assert.equal(sqlHex("to_avro(named_struct('d', CAST(12.345 AS DECIMAL(10,3))))"), '0000003039')
  })

  it('reads a decimal back as decimal(p,s), exactly', () => {
    const F = '{"type":"fixed","name":"fixed","size":3,"logicalType":"decimal","precision":5,"scale":2}'
    const df = one.select(from_avro(to_avro(expr('CAST(-1.23 AS DECIMAL(5,2))')), F).alias('x'))
    assert.equal(simpleString(df.schema.fields[0].type), 'decimal(5,2)')
    assert.deepEqual(df.collect(), [{ x: '-1.23' }])
  })

  it('refuses a decimal whose scale the Avro decimal cannot hold without rounding (Spark fails too)', () => {
    const B = '{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}'
    assert.throws(
      () => one.select(to_avro(expr('CAST(-1.235 AS DECIMAL(10,3))'), B).alias('x')).collect(),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
    assert.equal(encodeHex(t.decimal(10, 3), B, '-1.230'), '0285')
  })
})
