/**
 * `sluice.read`: batch reads of real files, end to end. Expected schemas and rows are Spark 4's
 * (PySpark, session time zone UTC) for the same files.
 */
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileFormat } from '../../../src/connectors/file/formats/index.ts'
import { SinkMetadataLog } from '../../../src/connectors/file/sink-metadata-log.ts'
import { type DataFrame, isSluiceError, Sluice, simpleString, t } from '../../../src/index.ts'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import type { StructType } from '../../../src/schema/data-type.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC' })

async function put(dir: string, rel: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(dir, rel)), { recursive: true })
  await writeFile(join(dir, rel), data)
}

function parquetBytes(schema: StructType, rows: unknown[][]): Uint8Array {
  return fileFormat('parquet').writer(schema, {}, { timeZone: 'UTC' }).encode(rows)
}

const shape = (df: DataFrame<any>) => simpleString(df.schema)
const sorted = (df: DataFrame<any>) =>
  df.collect().sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

describe('sluice.read', () => {
  it('reads JSON lines with partition columns after the data columns, skipping hidden files', () =>
    withTempDir(async (dir) => {
      await put(dir, 'year=2023/a.json', '{"x":1}\n')
      await put(dir, 'year=2024/b.json', '{"x":2,"y":"s"}\n')
      await put(dir, 'year=2024/_tmp.json', '{"x":99}\n')
      const df = await sluice.read.json(dir)
      assert.equal(shape(df), 'struct<x:bigint,y:string,year:int>')
      assert.deepEqual(sorted(df), [
        { x: 1, y: null, year: 2023 },
        { x: 2, y: 's', year: 2024 },
      ])
    }))

  it('keeps a data column named like a partition column in place, with the folder type and value', () =>
    withTempDir(async (dir) => {
      await put(dir, 'a=5/f.json', '{"x":1,"a":"zz","b":2}\n')
      const df = await sluice.read.format('json').load(dir)
      assert.equal(shape(df), 'struct<a:int,b:bigint,x:bigint>')
      assert.deepEqual(df.collect(), [{ a: 5, b: 2, x: 1 }])
    }))

  it('reads with a given schema: typed rows, partition columns last and every column nullable', () =>
    withTempDir(async (dir) => {
      await put(dir, 'year=2023/a.json', '{"x":1}\n')
      const S = t.struct({ year: t.string(), x: t.notNull(t.int()) })
      const df = await sluice.read.schema(S).json(dir)
      const rows: { year: string | null; x: number }[] = df.collect()
      assert.deepEqual(rows, [{ x: 1, year: '2023' }])
      assert.deepEqual(
        df.schema.fields.map((f) => [f.name, f.nullable]),
        [
          ['x', true],
          ['year', true],
        ],
      )
      const ddl = await sluice.read.schema('x INT, year INT').json(dir)
      assert.equal(shape(ddl), 'struct<x:int,year:int>')
    }))

  it('unions the columns of JSON files that differ by added columns', () =>
    withTempDir(async (dir) => {
      await put(dir, 'a.json', '{"x":1}\n')
      await put(dir, 'b.json', '{"y":"s"}\n')
      const df = await sluice.read.json(dir)
      assert.equal(shape(df), 'struct<x:bigint,y:string>')
      assert.deepEqual(df.collect(), [
        { x: 1, y: null },
        { x: null, y: 's' },
      ])
    }))

  it('reads CSV as strings unless inferSchema is set, as Spark', () =>
    withTempDir(async (dir) => {
      await put(dir, 'a.csv', 'a,b\n1,x\n')
      assert.deepEqual((await sluice.read.csv(dir)).collect(), [
        { _c0: 'a', _c1: 'b' },
        { _c0: '1', _c1: 'x' },
      ])
      const header = await sluice.read.option('header', true).csv(dir)
      assert.equal(shape(header), 'struct<a:string,b:string>')
      const inferred = await sluice.read.options({ header: true, inferSchema: true }).csv(dir)
      assert.equal(shape(inferred), 'struct<a:int,b:string>')
      assert.deepEqual(inferred.collect(), [{ a: 1, b: 'x' }])
    }))

  it('follows the parse mode for malformed records', () =>
    withTempDir(async (dir) => {
      await put(dir, 'a.csv', '1\nx\n')
      const permissive = await sluice.read.schema('n INT').csv(dir)
      assert.deepEqual(permissive.collect(), [{ n: 1 }, { n: null }])
      const dropped = await sluice.read.schema('n INT').option('mode', 'DROPMALFORMED').csv(dir)
      assert.deepEqual(dropped.collect(), [{ n: 1 }])
      // With a schema, FAILFAST fails the action, not load(), as Spark (failfast_at_action.py).
      const failfast = await sluice.read.schema('n INT').option('mode', 'FAILFAST').csv(dir)
      assert.throws(
        () => failfast.collect(),
        (e: unknown) => isSluiceError(e, 'MALFORMED_RECORD'),
      )
    }))

  it('reads text files as one value per line, with partition columns', () =>
    withTempDir(async (dir) => {
      await put(dir, 'day=2024-01-15/log.txt', 'one\ntwo\n')
      const df = await sluice.read.text(dir)
      assert.equal(shape(df), 'struct<value:string,day:date>')
      assert.deepEqual(df.collect(), [
        { value: 'one', day: 19737 },
        { value: 'two', day: 19737 },
      ])
    }))

  it("reads Parquet with the first file's schema, or every file's with mergeSchema", () =>
    withTempDir(async (dir) => {
      await put(dir, 'p1/a.parquet', parquetBytes(t.struct({ x: t.int(), y: t.string() }), [[1, 'a']]))
      await put(dir, 'p2/b.parquet', parquetBytes(t.struct({ x: t.int(), z: t.double() }), [[2, 3.5]]))
      const plain = await sluice.read.parquet(dir)
      assert.equal(shape(plain), 'struct<x:int,y:string>')
      assert.deepEqual(sorted(plain), [
        { x: 1, y: 'a' },
        { x: 2, y: null },
      ])
      const merged = await sluice.read.option('mergeSchema', true).parquet(dir)
      assert.equal(shape(merged), 'struct<x:int,y:string,z:double>')
      assert.deepEqual(sorted(merged), [
        { x: 1, y: 'a', z: null },
        { x: 2, y: null, z: 3.5 },
      ])
      assert.equal(shape(await sluice.read.load(join(dir, 'p2'))), 'struct<x:int,z:double>')
    }))

  it('reads only the files a file sink committed', () =>
    withTempDir(async (dir) => {
      await put(dir, 'part-00000-b0.json', '{"a":1}\n')
      await put(dir, 'part-00000-b1.json', '{"a":')
      await new SinkMetadataLog(nodeFileSystem, dir).add(0, [
        { path: 'part-00000-b0.json', size: 8, batchId: 0 },
      ])
      assert.deepEqual((await sluice.read.json(dir)).collect(), [{ a: 1 }])
    }))

  it('fails with [PATH_NOT_FOUND] and [UNABLE_TO_INFER_SCHEMA] as Spark', () =>
    withTempDir(async (dir) => {
      await assert.rejects(sluice.read.json(join(dir, 'nope')), (e: unknown) =>
        isSluiceError(e, 'PATH_NOT_FOUND'),
      )
      await mkdir(join(dir, 'empty'))
      await assert.rejects(
        sluice.read.json(join(dir, 'empty')),
        (e: unknown) => isSluiceError(e, 'INVALID_SCHEMA') && /UNABLE_TO_INFER_SCHEMA.*JSON/.test(String(e)),
      )
      assert.equal(shape(await sluice.read.text(join(dir, 'empty'))), 'struct<value:string>')
    }))

  it('takes the path option when load() gets none, and refuses both', () =>
    withTempDir(async (dir) => {
      await put(dir, 'a.json', '{"a":1}\n')
      assert.deepEqual((await sluice.read.format('json').option('path', dir).load()).collect(), [{ a: 1 }])
      await assert.rejects(
        sluice.read.format('json').option('path', dir).load(dir),
        (e: unknown) =>
          isSluiceError(e, 'INVALID_ARGUMENT') && String(e).includes("There is a 'path' option set"),
      )
    }))

  it('rejects an unknown option with a suggestion', () =>
    withTempDir(async (dir) => {
      await put(dir, 'a.csv', '1\n')
      await assert.rejects(
        sluice.read.option('inferSchemma', true).csv(dir),
        (e: unknown) =>
          isSluiceError(e, 'INVALID_OPTION') && String(e).includes("Did you mean 'inferSchema'?"),
      )
    }))
})
