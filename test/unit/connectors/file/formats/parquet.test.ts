import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parquetMetadata, parquetSchema } from 'hyparquet'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { fileFormat } from '../../../../../src/connectors/file/formats/index.ts'
import { isSluiceError } from '../../../../../src/errors.ts'
import { type StructType, t } from '../../../../../src/schema/data-type.ts'
import { days, ms, schema, UTC } from './helpers.ts'

const pq = fileFormat('parquet')

const ALL = t.struct({
  s: t.string(),
  i: t.int(),
  l: t.long(),
  d: t.double(),
  b: t.boolean(),
  ts: t.timestamp(),
  dt: t.date(),
  bin: t.binary(),
  arr: t.array(t.int()),
  m: t.map(t.string(), t.long()),
  st: t.struct({ x: t.int(), y: t.string() }),
  iv: t.interval(),
  nested: t.map(t.int(), t.array(t.timestamp())),
})

const ROWS: unknown[][] = [
  [
    'héllo😀',
    1,
    9007199254740991,
    -0,
    true,
    -1,
    days('0001-01-01'),
    new Uint8Array([0, 255]),
    [1, null, 3],
    new Map([
      ['k', 1],
      ['n', null],
    ]),
    { x: 1, y: 'a' },
    93_784_500,
    new Map([[1, [0, null]]]),
  ],
  [null, null, null, null, null, null, null, null, null, null, null, null, null],
  [
    '',
    -2147483648,
    -9007199254740991,
    Number.NaN,
    false,
    ms('2024-01-02T03:04:05.678Z'),
    days('2024-01-02'),
    new Uint8Array(0),
    [],
    new Map(),
    { x: null, y: null },
    -1,
    new Map(),
  ],
]

async function decode(
  s: StructType,
  bytes: Uint8Array,
  file = 'part-0.parquet',
  options: Record<string, string> = {},
) {
  return pq.reader(s, options, UTC).decode(bytes, file)
}

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)))
}

describe('Parquet format', () => {
  for (const codec of ['snappy', 'gzip', 'zstd', 'brotli', 'uncompressed']) {
    it(`reads back exactly what it wrote, every type, compression ${codec}`, async () => {
      const w = pq.writer(ALL, { compression: codec }, UTC)
      const back = await decode(ALL, w.encode(ROWS))
      assert.deepEqual(back, { rows: ROWS, malformed: [] })
      assert.ok(Object.is(back.rows[0][3], -0))
    })
  }

  it('keeps 0 and -0 apart in a column (hyparquet-writer’s dictionary would merge them)', async () => {
    const S = t.struct({ d: t.double(), a: t.array(t.double()) })
    const rows = [
      [-0, [0, -0]],
      [0, [-0, 0]],
      [0, [-0]],
    ]
    const { rows: back } = await decode(S, pq.writer(S, {}, UTC).encode(rows))
    assert.deepEqual(back, rows)
    assert.ok(
      Object.is(back[0][0], -0) && Object.is(back[1][0], 0) && Object.is((back[0][1] as number[])[1], -0),
    )
  })

  it('names files as Spark does for each codec', () => {
    const ext = (compression?: string) =>
      pq.writer(ALL, compression === undefined ? {} : { compression }, UTC).extension
    assert.deepEqual(
      [ext(), ext('gzip'), ext('zstd'), ext('none'), ext('uncompressed')],
      ['.snappy.parquet', '.gz.parquet', '.zstd.parquet', '.parquet', '.parquet'],
    )
    assert.throws(
      () => ext('lz4'),
      (e) => isSluiceError(e, 'INVALID_OPTION') && /lz4/.test(e.message),
    )
  })

  it('writes Parquet logical types: TIMESTAMP(MICROS, UTC), DATE, STRING, LIST, MAP', () => {
    const bytes = pq.writer(ALL, {}, UTC).encode(ROWS)
    const root = parquetSchema(parquetMetadata(bytes.slice().buffer as ArrayBuffer))
    const el = (name: string) => root.children.find((c) => c.element.name === name)?.element
    assert.deepEqual(el('ts')?.logical_type, { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' })
    assert.equal(el('ts')?.type, 'INT64')
    assert.equal(el('dt')?.converted_type, 'DATE')
    assert.equal(el('s')?.converted_type, 'UTF8')
    assert.equal(el('l')?.type, 'INT64')
    assert.equal(el('i')?.type, 'INT32')
    assert.equal(el('bin')?.type, 'BYTE_ARRAY')
    assert.equal(el('arr')?.converted_type, 'LIST')
    assert.equal(el('m')?.converted_type, 'MAP')
  })

  it('writes tinyint, smallint and float as Spark does (INT32 INT_8, INT32 INT_16, FLOAT) and reads them back', async () => {
    const S = t.struct({ b: t.byte(), s: t.short(), f: t.float(), a: t.array(t.float()) })
    const rows = [
      [-128, -32768, Math.fround(1.1), [Math.fround(0.1), -0]],
      [null, null, null, null],
      [127, 32767, Number.NEGATIVE_INFINITY, [Number.NaN]],
    ]
    const bytes = pq.writer(S, {}, UTC).encode(rows)
    const root = parquetSchema(parquetMetadata(bytes.slice().buffer as ArrayBuffer))
    const el = (name: string) => root.children.find((c) => c.element.name === name)?.element
    assert.deepEqual(
      ['b', 's', 'f'].map((n) => `${el(n)?.type}/${el(n)?.converted_type}`),
      ['INT32/INT_8', 'INT32/INT_16', 'FLOAT/undefined'],
    )
    assert.equal(
      pq
        .inferSchema([{ bytes, file: 'x.parquet' }], {}, UTC)
        .fields.map((f) => f.type.kind)
        .join(','),
      'byte,short,float,array',
    )
    const back = await decode(S, bytes)
    assert.deepEqual(back.rows, rows)
    assert.ok(Object.is((back.rows[0][3] as number[])[1], -0))
    // Spark 4's widenings: tinyint and smallint to int, bigint and double; float to double.
    const wide = t.struct({ b: t.int(), s: t.long(), f: t.double() })
    assert.deepEqual((await decode(wide, bytes)).rows[0], [-128, -32768, Math.fround(1.1)])
    await assert.rejects(decode(t.struct({ f: t.int() }), bytes), (e) =>
      isSluiceError(e, 'DATATYPE_MISMATCH'),
    )
  })

  it('reads tinyint, smallint and float from a file Spark 4.3 wrote (spark/small_numeric_parquet.py)', async () => {
    const bytes = fixture('spark-small-numeric.parquet')
    const s = pq.inferSchema([{ bytes, file: 'spark.parquet' }], {}, UTC)
    assert.equal(s.fields.map((f) => `${f.name}:${f.type.kind}`).join(','), 'b:byte,s:short,f:float')
    const { rows } = await decode(s, bytes, 'spark.parquet')
    assert.deepEqual(rows, [
      [-128, -32768, Math.fround(1.1)],
      [null, null, null],
      [127, 32767, Number.NEGATIVE_INFINITY],
    ])
  })

  it('writes one row group per call, or groups of rowGroupSize rows', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i])
    const groups = (o: Record<string, string>) =>
      parquetMetadata(pq.writer(schema('a INT'), o, UTC).encode(rows).slice().buffer as ArrayBuffer)
        .row_groups.length
    assert.equal(groups({}), 1)
    assert.equal(groups({ rowGroupSize: '3' }), 4)
  })

  it('reads files Spark 4.3 wrote: INT96 timestamps with snappy, micros with zstd and gzip, floats as float', async () => {
    for (const name of [
      'spark-int96-snappy.parquet',
      'spark-micros-zstd.parquet',
      'spark-micros-gzip.parquet',
    ]) {
      const bytes = fixture(name)
      const s = pq.inferSchema([{ bytes, file: name }], {}, UTC)
      assert.equal(
        s.fields.map((f) => `${f.name}:${f.type.kind}`).join(','),
        's:string,i:int,l:long,d:double,b:boolean,t:timestamp,dt:date,bin:binary,arr:array,m:map,st:struct,f:float',
      )
      const { rows } = await decode(s, bytes, name)
      assert.deepEqual(rows[0], [
        'héllo😀',
        1,
        9007199254740991,
        -0,
        true,
        -1,
        days('0001-01-01'),
        new Uint8Array([0, 255]),
        [1, null, 3],
        new Map([
          ['n', null],
          ['k', 1],
        ]),
        { x: 1, y: 'a' },
        1.5,
      ])
      assert.deepEqual(rows[1], new Array(12).fill(null))
      assert.deepEqual(rows[2], [
        '',
        -2147483648,
        -9007199254740991,
        Number.NaN,
        false,
        ms('2024-01-02T03:04:05.678Z'),
        days('2024-01-02'),
        new Uint8Array(0),
        [],
        new Map(),
        { x: null, y: null },
        -Infinity,
      ])
    }
  })

  it('reads only the schema’s columns, by name in any case, with nulls for columns the file lacks', async () => {
    const bytes = pq.writer(ALL, {}, UTC).encode(ROWS)
    const { rows } = await decode(t.struct({ L: t.long(), missing: t.string(), s: t.string() }), bytes)
    assert.deepEqual(rows, [
      [9007199254740991, null, 'héllo😀'],
      [null, null, null],
      [-9007199254740991, null, ''],
    ])
    assert.deepEqual((await decode(t.struct({ none: t.int() }), bytes)).rows, [[null], [null], [null]])
  })

  it('widens int to bigint and double as Spark 4 does', async () => {
    const bytes = pq.writer(schema('a INT'), {}, UTC).encode([[1], [null]])
    assert.deepEqual((await decode(schema('a BIGINT'), bytes)).rows, [[1], [null]])
    assert.deepEqual((await decode(schema('a DOUBLE'), bytes)).rows, [[1], [null]])
  })

  it('fails with DATATYPE_MISMATCH naming file and column when a type cannot be read as the schema says', async () => {
    const bytes = pq.writer(ALL, {}, UTC).encode(ROWS)
    await assert.rejects(
      decode(schema('s BIGINT'), bytes, 'dir/p.parquet'),
      (e) =>
        isSluiceError(e, 'DATATYPE_MISMATCH') &&
        e.message.includes('dir/p.parquet') &&
        e.message.includes('`s`'),
    )
    await assert.rejects(
      decode(t.struct({ st: t.struct({ x: t.string() }) }), bytes),
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH') && e.message.includes('`st.x`'),
    )
  })

  it('reports a bigint beyond ±(2^53-1) naming the column', async () => {
    const big = new Uint8Array(
      parquetWriteBuffer({ columnData: [{ name: 'l', data: [2n ** 60n], type: 'INT64' }] }),
    )
    await assert.rejects(
      decode(schema('l BIGINT'), big, 'big.parquet'),
      (e) => isSluiceError(e, 'ARITHMETIC_OVERFLOW') && e.message.includes('`l`'),
    )
  })

  it('fails clearly on bytes that are not Parquet', async () => {
    await assert.rejects(
      decode(schema('a INT'), new Uint8Array([1, 2, 3]), 'junk.parquet'),
      (e) => isSluiceError(e, 'FAILED_READ_FILE') && e.message.includes('junk.parquet'),
    )
  })

  it('infers the first file’s schema, or merges all with mergeSchema', () => {
    const a = pq.writer(schema('a INT, b STRING'), {}, UTC).encode([])
    const b = pq.writer(schema('c DOUBLE'), {}, UTC).encode([])
    const files = [
      { bytes: a, file: 'a' },
      { bytes: b, file: 'b' },
    ]
    assert.deepEqual(
      pq.inferSchema(files, {}, UTC).fields.map((f) => f.name),
      ['a', 'b'],
    )
    assert.deepEqual(
      pq.inferSchema(files, { mergeSchema: 'true' }, UTC).fields.map((f) => f.name),
      ['a', 'b', 'c'],
    )
    const clash = pq.writer(schema('a STRING'), {}, UTC).encode([])
    assert.throws(
      () => pq.inferSchema([files[0], { bytes: clash, file: 'clash' }], { mergeSchema: 'true' }, UTC),
      (e) => isSluiceError(e, 'DATATYPE_MISMATCH'),
    )
  })

  it('rejects unknown options and types it cannot write', () => {
    assert.throws(
      () => pq.validateOptions({ compresion: 'gzip' }, 'write'),
      (e) => isSluiceError(e, 'INVALID_OPTION') && /Did you mean 'compression'/.test(e.message),
    )
    assert.throws(
      () => pq.writer(t.struct({ n: t.null() }), {}, UTC),
      (e) => isSluiceError(e, 'UNSUPPORTED_OPERATION') && e.message.includes('`n`'),
    )
  })
})
