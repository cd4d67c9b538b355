// from_avro / to_avro. Expected bytes and values marked "Spark" were returned by PySpark 4 with
// spark-avro 4.1.1 (session time zone UTC) or come from Spark's AvroFunctionsSuite, as noted.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileFromAvro, compileToAvro, sluiceToAvroSchema } from '../../../src/functions/avro/index.ts'
import {
  expr,
  from_avro,
  isSluiceError,
  type Row,
  Sluice,
  simpleString,
  struct,
  t,
  to_avro,
} from '../../../src/index.ts'
import type { DataType } from '../../../src/schema/data-type.ts'

const utc = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })
const one = utc.range(1)
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))
const hex = (b: unknown) =>
  Buffer.from(b as Uint8Array)
    .toString('hex')
    .toUpperCase()
const sqlHex = (sql: string) => hex((one.select(expr(sql).alias('x')).collect()[0] as Row).x)
const sqlValue = (sql: string) => (one.select(expr(sql).alias('x')).collect()[0] as Row).x
const record = (fields: string) => `{"type":"record","name":"r","fields":[${fields}]}`
const decodeWith = (schema: string, h: string, options = {}) =>
  compileFromAvro(schema, options).decode(bytes(h))

describe('to_avro without a schema (Spark derives it)', () => {
  it('writes the bytes Spark writes for each type', () => {
    // Spark: hex(to_avro(...)) for each literal.
    const cases: [string, string][] = [
      ["named_struct('a', 1, 'b', 'x')", '020278'],
      ['1', '02'],
      ['CAST(-3 AS BIGINT)', '05'],
      ["TIMESTAMP'2024-01-02 03:04:05.678'", 'E0AEC185B8FB8606'],
      ["DATE'2024-01-02'", '98B402'],
      ['CAST(1.5 AS DOUBLE)', '000000000000F83F'],
      ['true', '01'],
      ["X'0102'", '040102'],
      ['array(1, NULL, 3)', '06000202000600'],
      // Spark's map('k', 1) has non-null values (02026B0200); Sluice's map() marks them nullable.
      ["map('k', 1)", '02026B000200'],
      ["INTERVAL '1 02:03:04.5' DAY TO SECOND", 'C09CEFDFBA05'],
      ["'héllo'", '0C68C3A96C6C6F'],
      ["named_struct('s', named_struct('x', 1), 'arr', array(named_struct('y', 2)))", '02020400'],
    ]
    for (const [sql, expected] of cases) assert.equal(sqlHex(`to_avro(${sql})`), expected, sql)
  })

  it('writes a nullable column as the union [type, "null"] and NULL as NULL', () => {
    // Spark: to_avro(x) FROM VALUES (1), (NULL) -> 0002, NULL; named_struct of nullable columns.
    const df = utc.createDataFrame(
      [
        { x: 1, y: 'p' },
        { x: null, y: null },
      ],
      t.struct({ x: t.int(), y: t.string() }),
    )
    const out = df.select(to_avro('x').alias('a'), to_avro(struct('x', 'y')).alias('b')).collect()
    assert.deepEqual(
      out.map((r) => [r.a === null ? null : hex(r.a), hex(r.b)]),
      [
        ['0002', '0002000270'],
        [null, '0202'],
      ],
    )
    assert.equal(sqlValue('to_avro(NULL) IS NULL'), true)
    const notNullValues = compileToAvro(t.map(t.string(), t.int(), false), false)
    assert.equal(hex(notNullValues.encode(new Map([['k', 1]]))), '02026B0200')
  })

  it('derives records named as Spark names them', () => {
    const type = t.struct({
      a: t.int(),
      s: t.notNull(t.struct({ ts: t.timestamp() })),
      m: t.map(t.string(), t.date()),
    })
    assert.deepEqual(sluiceToAvroSchema(type, false), {
      type: 'record',
      name: 'topLevelRecord',
      fields: [
        { name: 'a', type: ['int', 'null'] },
        {
          name: 's',
          type: {
            type: 'record',
            name: 's',
            namespace: 'topLevelRecord',
            fields: [{ name: 'ts', type: [{ type: 'long', logicalType: 'timestamp-micros' }, 'null'] }],
          },
        },
        {
          name: 'm',
          type: [{ type: 'map', values: [{ type: 'int', logicalType: 'date' }, 'null'] }, 'null'],
        },
      ],
    })
  })

  it('refuses maps with non-string keys, as Spark does', () => {
    assert.throws(
      () => one.select(expr('to_avro(map(1, 1))')).collect(),
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH') && /string keys/.test(e.message),
    )
  })
})

const ALL = t.struct({
  s: t.string(),
  b: t.boolean(),
  i: t.int(),
  l: t.long(),
  d: t.double(),
  ts: t.timestamp(),
  day: t.date(),
  bin: t.binary(),
  iv: t.interval(),
  arr: t.array(t.int()),
  m: t.map(t.string(), t.long()),
  st: t.struct({ x: t.string(), y: t.array(t.struct({ z: t.double() })) }),
})

const ALL_ROWS = [
  {
    s: 'é😀',
    b: true,
    i: -2147483648,
    l: 2 ** 53 - 1,
    d: -0.1,
    ts: -1,
    day: -719162,
    bin: new Uint8Array([0, 255]),
    iv: 93784500,
    arr: [1, null, -3],
    m: new Map([
      ['k', 1],
      ['n', null],
    ]),
    st: { x: null, y: [{ z: 1.5 }, null] },
  },
  {
    s: null,
    b: null,
    i: null,
    l: null,
    d: null,
    ts: null,
    day: null,
    bin: null,
    iv: null,
    arr: null,
    m: null,
    st: null,
  },
  {
    s: '',
    b: false,
    i: 0,
    l: -(2 ** 53 - 1),
    d: 1e308,
    ts: 1704164645678,
    day: 19724,
    bin: new Uint8Array(0),
    iv: -1,
    arr: [],
    m: new Map(),
    st: { x: 'q', y: null },
  },
]

describe('round trips', () => {
  it('reads back every type, nulls included, through the derived schema', () => {
    const df = utc.createDataFrame(
      [{ v: ALL_ROWS[0] }, { v: ALL_ROWS[1] }, { v: ALL_ROWS[2] }, { v: null }],
      t.struct({ v: ALL }),
    )
    const schema = JSON.stringify(sluiceToAvroSchema(ALL, true))
    const back = df.select(from_avro(to_avro('v'), schema).alias('v'))
    assert.equal(simpleString(back.schema.fields[0].type), simpleString(ALL))
    assert.deepEqual(
      back.collect().map((r) => r.v),
      [...ALL_ROWS, null],
    )
  })

  it('keeps longs exact over the whole Sluice range, old microsecond timestamps included', () => {
    // avsc's fast long path would flip -(2^52 + 1) to 2^52; these go through its exact path.
    const type = t.struct({ l: t.notNull(t.long()), ts: t.notNull(t.timestamp()) })
    const { encode } = compileToAvro(type, false)
    const { decode } = compileFromAvro(JSON.stringify(sluiceToAvroSchema(type, false)))
    const longs = [0, -1, 2 ** 52, -(2 ** 52), -(2 ** 52) - 1, -(2 ** 53 - 1), 2 ** 53 - 1, -4503599627370499]
    for (const l of longs) {
      const row = { l, ts: Date.UTC(1800, 0, 1, 0, 0, 0, 1) }
      assert.deepEqual(decode(encode(row)), row, String(l))
    }
    // Spark: to_avro(-4503599627370497L) = 8180808080808010; to_avro(TIMESTAMP'1800-01-01 00:00:00.001') = AFF088CBB9C88713.
    assert.equal(hex(compileToAvro(t.long(), false).encode(-(2 ** 52) - 1)), '8180808080808010')
    assert.equal(sqlHex("to_avro(TIMESTAMP'1800-01-01 00:00:00.001')"), 'AFF088CBB9C88713')
  })

  it('round trips values through explicit Avro schemas of every kind', () => {
    const schema = record(
      [
        '{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}',
        '{"name":"f","type":{"type":"fixed","name":"F","size":2}}',
        '{"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":3}}',
        '{"name":"decf","type":{"type":"fixed","name":"DF","size":5,"logicalType":"decimal","precision":11,"scale":2}}',
        '{"name":"fl","type":"float"}',
        '{"name":"ms","type":{"type":"long","logicalType":"timestamp-millis"}}',
        '{"name":"us","type":{"type":"long","logicalType":"timestamp-micros"}}',
        '{"name":"local","type":{"type":"long","logicalType":"local-timestamp-millis"}}',
        '{"name":"u","type":["null","int","string"]}',
        '{"name":"il","type":["int","long"]}',
        '{"name":"fd","type":["float","double"]}',
      ].join(','),
    )
    const { type, decode } = compileFromAvro(schema)
    assert.equal(
      simpleString(type),
      'struct<e:string,f:binary,dec:decimal(9,3),decf:decimal(11,2),fl:float,ms:timestamp,us:timestamp,local:timestamp,u:struct<member0:int,member1:string>,il:bigint,fd:double>',
    )
    const { encode } = compileToAvro(type, false, schema)
    const rows = [
      {
        e: 'B',
        f: new Uint8Array([1, 2]),
        dec: '-1234.567',
        decf: '99999.99',
        fl: 0.5,
        ms: -1,
        us: 1704164645678,
        local: 0,
        u: { member0: null, member1: 'x' },
        il: 2 ** 40,
        fd: 0.1,
      },
      {
        e: 'A',
        f: new Uint8Array([0, 0]),
        dec: '0.000',
        decf: '-0.01',
        fl: -2.25,
        ms: 0,
        us: -1000,
        local: 86400000,
        u: null,
        il: -1,
        fd: -1e300,
      },
    ]
    for (const row of rows) assert.deepEqual(decode(encode(row)), row)
  })
})

describe('from_avro', () => {
  it('gives the Sluice types Spark gives (float as float, decimal(p,s) as decimal, local timestamps widened)', () => {
    // Spark: struct<a:int,e:string,f:binary,u:struct<member0:int,member1:string>,il:bigint,fd:double,
    // m:map<string,bigint>,arr:array<string>,ts:timestamp,lts:timestamp_ntz,d:date,dec:decimal(5,2),n:void,fl:float>
    const schema = record(
      [
        '{"name":"a","type":["null","int"]}',
        '{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}',
        '{"name":"f","type":{"type":"fixed","name":"F","size":2}}',
        '{"name":"u","type":["int","string"]}',
        '{"name":"il","type":["int","long"]}',
        '{"name":"fd","type":["float","double"]}',
        '{"name":"m","type":{"type":"map","values":["null","long"]}}',
        '{"name":"arr","type":{"type":"array","items":"string"}}',
        '{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}}',
        '{"name":"lts","type":{"type":"long","logicalType":"local-timestamp-millis"}}',
        '{"name":"d","type":{"type":"int","logicalType":"date"}}',
        '{"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}}',
        '{"name":"n","type":"null"}',
        '{"name":"fl","type":"float"}',
      ].join(','),
    )
    assert.equal(
      simpleString(compileFromAvro(schema).type),
      'struct<a:int,e:string,f:binary,u:struct<member0:int,member1:string>,il:bigint,fd:double,m:map<string,bigint>,arr:array<string>,ts:timestamp,lts:timestamp,d:date,dec:decimal(5,2),n:void,fl:float>',
    )
  })

  it('ignores invalid logical types as Avro does', () => {
    // Spark: a date on a long is a bigint, a timestamp on an int an int, a decimal too wide for its fixed binary.
    assert.equal(simpleString(compileFromAvro('{"type":"long","logicalType":"date"}').type), 'bigint')
    assert.equal(simpleString(compileFromAvro('{"type":"int","logicalType":"timestamp-millis"}').type), 'int')
    const wide = '{"type":"fixed","name":"F","size":2,"logicalType":"decimal","precision":9,"scale":2}'
    assert.deepEqual(decodeWith(wide, '0102'), new Uint8Array([1, 2]))
  })

  it('reads the values Spark reads', () => {
    // Spark: from_avro over these bytes.
    assert.equal(
      decodeWith('{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}', '04FF85'),
      '-1.23',
    )
    assert.equal(
      decodeWith(
        '{"type":"fixed","name":"F","size":4,"logicalType":"decimal","precision":5,"scale":2}',
        'FFFFFF85',
      ),
      '-1.23',
    )
    assert.equal(decodeWith('{"type":"enum","name":"E","symbols":["A","B"]}', '02'), 'B')
    assert.equal(decodeWith('"float"', 'CDCCCC3D'), 0.10000000149011612)
    // -1 microsecond is 1969-12-31 23:59:59.999999; Sluice keeps milliseconds, rounding down.
    assert.equal(decodeWith('{"type":"long","logicalType":"timestamp-micros"}', '01'), -1)
    assert.deepEqual(
      decodeWith(
        record('{"name":"u","type":["int","string"]},{"name":"v","type":["int","string"]}'),
        '0002020278',
      ),
      {
        u: { member0: 1, member1: null },
        v: { member0: null, member1: 'x' },
      },
    )
    // Members are numbered over the non-null branches: the string is branch 2 but member1.
    assert.deepEqual(decodeWith(record('{"name":"u","type":["null","int","string"]}'), '04027A'), {
      u: { member0: null, member1: 'z' },
    })
  })

  it('names union members after their types with stable identifiers', () => {
    // Spark: struct<u:struct<member_int:int,member_string:string,member_Rec:struct<>>>, and with prefix x_.
    const schema = record(
      '{"name":"u","type":["int","string",{"type":"record","name":"ns.Rec","fields":[]}]}',
    )
    const plain = compileFromAvro(schema, { stableUnionIds: true })
    assert.equal(
      simpleString(plain.type),
      'struct<u:struct<member_int:int,member_string:string,member_Rec:struct<>>>',
    )
    assert.deepEqual(plain.decode(bytes('020278')), {
      u: { member_int: null, member_string: 'x', member_Rec: null },
    })
    const prefixed = compileFromAvro(schema, { stableUnionIds: true, stableUnionPrefix: 'x_' })
    assert.equal(simpleString(prefixed.type), 'struct<u:struct<x_int:int,x_string:string,x_Rec:struct<>>>')
  })

  it('ignores bytes after the value, as Spark does', () => {
    // Spark: from_avro(X'060708', '"int"', map()) = 3.
    assert.equal(sqlValue(`from_avro(X'060708', '"int"', map())`), 3)
    assert.equal(sqlValue(`from_avro(CAST(NULL AS BINARY), '"int"', map())`), null)
  })

  it('rejects recursive schemas and text that is not an Avro schema', () => {
    assert.throws(
      () => compileFromAvro(record('{"name":"next","type":["null","r"]}')),
      (e) => isSluiceError(e, 'INVALID_SCHEMA') && /recursive/.test(e.message),
    )
    assert.throws(
      () => compileFromAvro('nope'),
      (e) => isSluiceError(e, 'INVALID_SCHEMA'),
    )
    assert.throws(
      () => one.select(expr(`from_avro(X'00', 42, map())`)).collect(),
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH') && /second argument/.test(e.message),
    )
  })
})

describe('from_avro malformed input', () => {
  const S = record('{"name":"a","type":"int"},{"name":"b","type":"string"}')

  it('fails fast by default (Spark 4), naming the problem', () => {
    // Spark: from_avro(X'0202', <S>, map()) fails: "Malformed records are detected in record parsing".
    assert.throws(
      () => sqlValue(`from_avro(X'0202', '${S}', map())`),
      (e) =>
        isSluiceError(e, 'MALFORMED_RECORD') && /truncated/.test(e.message) && /PERMISSIVE/.test(e.message),
    )
  })

  it('gives a struct of nulls, or null, in PERMISSIVE mode', () => {
    // Spark: Row(a=None, b=None) for a struct schema; None for '"string"' over X''.
    assert.deepEqual(sqlValue(`from_avro(X'0202', '${S}', map('mode', 'PERMISSIVE'))`), { a: null, b: null })
    assert.equal(sqlValue(`from_avro(X'', '"string"', map('MODE', 'permissive'))`), null)
    const bad = ['0802', '01', 'FEFFFFFF0F']
    const p = compileFromAvro(record('{"name":"u","type":["int","string"]}'), { mode: 'PERMISSIVE' })
    for (const h of bad) assert.deepEqual(p.decode(bytes(h)), { u: null }, h)
  })

  it('stops at corrupt counts instead of reading past the input', () => {
    // Spark: an array claiming 2^31 - 1 items in 5 bytes is malformed (null in PERMISSIVE mode).
    const arr = compileFromAvro('{"type":"array","items":"int"}', { mode: 'PERMISSIVE' })
    assert.equal(arr.decode(bytes('FEFFFFFF0F')), null)
    const nulls = compileFromAvro('{"type":"array","items":"null"}', { mode: 'PERMISSIVE' })
    assert.equal(nulls.decode(bytes('FEFFFFFF0F')), null)
    const map = compileFromAvro('{"type":"map","values":"int"}')
    assert.throws(
      () => map.decode(bytes('FEFFFFFF0F02')),
      (e) => isSluiceError(e, 'MALFORMED_RECORD'),
    )
  })

  it('answers every random input with a value or a malformed-record null', () => {
    const schema = record(
      [
        '{"name":"a","type":{"type":"array","items":{"type":"map","values":["null","long",{"type":"record","name":"q","fields":[]}]}}}',
        '{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}',
        '{"name":"s","type":"string"}',
        '{"name":"n","type":{"type":"array","items":"null"}}',
        '{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":30,"scale":3}}',
      ].join(','),
    )
    const plain = compileFromAvro(schema, { mode: 'PERMISSIVE' })
    const evolved = compileFromAvro(schema, {
      mode: 'PERMISSIVE',
      readerSchema: schema.replace('"long"', '"double"'),
    })
    let seed = 7
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    for (let i = 0; i < 3000; i++) {
      const input = Uint8Array.from({ length: Math.floor(next() * 24) }, () =>
        next() < 0.3 ? 0 : Math.floor(next() * 256),
      )
      for (const c of [plain, evolved]) {
        const r = c.decode(input) as Record<string, unknown>
        assert.deepEqual(Object.keys(r), ['a', 'e', 's', 'n', 'd'])
      }
    }
  })

  it('reproduces AvroFunctionsSuite "handle invalid input in from_avro"', () => {
    // to_avro(struct(id, id AS id2)) read as {col1: long, col2: double}: FAILFAST throws,
    // PERMISSIVE gives Row(null, null) for every row.
    const df = utc.range(3).select(to_avro(expr("named_struct('id', id, 'id2', id)")).alias('avro'))
    const schema = record('{"name":"col1","type":"long"},{"name":"col2","type":"double"}')
    assert.throws(
      () => df.select(from_avro('avro', schema, { mode: 'FAILFAST' })).collect(),
      (e) => isSluiceError(e, 'MALFORMED_RECORD'),
    )
    assert.deepEqual(
      df.select(from_avro('avro', schema, { mode: 'PERMISSIVE' }).alias('r')).collect(),
      [0, 1, 2].map(() => ({ r: { col1: null, col2: null } })),
    )
  })

  it('refuses DROPMALFORMED and unknown options', () => {
    // Spark: [PARSE_MODE_UNSUPPORTED] The function `from_avro` doesn't support the DROPMALFORMED mode.
    assert.throws(
      () => sqlValue(`from_avro(X'06', '"int"', map('mode', 'DROPMALFORMED'))`),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /DROPMALFORMED/.test(e.message),
    )
    assert.throws(
      () => sqlValue(`from_avro(X'06', '"int"', map('bogus', '1'))`),
      (e) => isSluiceError(e, 'INVALID_OPTION'),
    )
  })

  it('makes every part of the type nullable in PERMISSIVE mode only', () => {
    const schema = record('{"name":"a","type":"int"},{"name":"b","type":{"type":"array","items":"int"}}')
    const strict = compileFromAvro(schema).type as Extract<DataType, { kind: 'struct' }>
    const lax = compileFromAvro(schema, { mode: 'PERMISSIVE' }).type as Extract<DataType, { kind: 'struct' }>
    assert.deepEqual(
      strict.fields.map((f) => f.nullable),
      [false, false],
    )
    assert.deepEqual(
      lax.fields.map((f) => f.nullable),
      [true, true],
    )
    assert.equal((lax.fields[1].type as { containsNull: boolean }).containsNull, true)
  })

  it('fails on longs beyond 2^53 rather than rounding them', () => {
    // Spark reads 9223372036854775807; Sluice longs are exact only to 2^53 - 1.
    assert.throws(
      () => decodeWith('"long"', 'FEFFFFFFFFFFFFFFFF01'),
      (e) => isSluiceError(e, 'MALFORMED_RECORD') && /2\^53/.test(e.message),
    )
  })
})
