import assert from 'node:assert/strict'
import { mkdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { prepareFileScan } from '../../../../src/connectors/file/batch-file-read.ts'
import { fileFormat } from '../../../../src/connectors/file/formats/index.ts'
import { readParquetFooterSync } from '../../../../src/connectors/file/parquet-footers.ts'
import { sourceProvider } from '../../../../src/connectors/registry.ts'
import { isSluiceError, simpleString, t } from '../../../../src/index.ts'
import { type FileSystem, nodeFileSystem } from '../../../../src/io/fs.ts'
import type { StructType } from '../../../../src/schema/data-type.ts'
import { withTempDir } from '../../../harness/temp-dir.ts'

async function put(dir: string, rel: string, data: Uint8Array): Promise<number> {
  await mkdir(dirname(join(dir, rel)), { recursive: true })
  await writeFile(join(dir, rel), data)
  return (await stat(join(dir, rel))).size
}

const parquet = (schema: StructType, rows: unknown[][]) =>
  fileFormat('parquet').writer(schema, {}, { timeZone: 'UTC' }).encode(rows)

/** The local disk, counting the bytes each read hands back. */
function countingFs(withTail = true): { fs: FileSystem; read: { whole: number; tail: number } } {
  const read = { whole: 0, tail: 0 }
  const local = nodeFileSystem as FileSystem & {
    readTail(p: string, n: number): Promise<Uint8Array | undefined>
  }
  const { readTail: _, ...withoutTail } = local
  const fs = {
    ...withoutTail,
    readFile: async (p: string) => {
      const b = await nodeFileSystem.readFile(p)
      read.whole += b?.length ?? 0
      return b
    },
    ...(withTail
      ? {
          readTail: async (p: string, n: number) => {
            const b = await local.readTail(p, n)
            read.tail += b?.length ?? 0
            return b
          },
        }
      : {}),
  }
  return { fs, read }
}

const req = (dir: string, options: Record<string, string> = {}) => ({
  format: 'parquet',
  paths: [dir],
  options,
  timeZone: 'UTC',
})

describe('Parquet schema inference at load()', () => {
  it('reads the footer only, not the row data', () =>
    withTempDir(async (dir) => {
      const schema = t.struct({ id: t.long(), name: t.string() })
      const rows = Array.from({ length: 200_000 }, (_, i) => [i, `name-${i * 7919}`])
      const size = await put(dir, 'a.parquet', parquet(schema, rows))
      const { fs, read } = countingFs()
      const prepared = await prepareFileScan(req(dir), fs)
      assert.equal(simpleString(prepared.schema), 'struct<id:bigint,name:string>')
      assert.equal(read.whole, 0)
      assert.ok(read.tail <= 65_536 && read.tail < size / 10, `${read.tail} of ${size} bytes read`)
    }))

  it('reads a footer larger than the first tail read whole, and every footer with mergeSchema', () =>
    withTempDir(async (dir) => {
      const wide = t.struct(
        Object.fromEntries(
          Array.from({ length: 700 }, (_, i) => [`a_rather_long_column_name_${i}`, t.long()]),
        ),
      )
      await put(dir, 'p1/a.parquet', parquet(wide, [Array.from({ length: 700 }, (_, i) => i)]))
      await put(dir, 'p2/b.parquet', parquet(t.struct({ extra: t.double() }), [[1.5]]))
      const { fs, read } = countingFs()
      const merged = await prepareFileScan(req(dir, { mergeSchema: 'true' }), fs)
      assert.equal(merged.schema.fields.length, 701)
      assert.equal(merged.schema.fields[699].name, 'a_rather_long_column_name_699')
      assert.equal(merged.schema.fields[700].name, 'extra')
      assert.ok(read.tail > 65_536, `the wide footer (${read.tail} bytes read) needed a second read`)
      assert.equal(read.whole, 0)
      const plain = await prepareFileScan(req(dir), fs)
      assert.equal(plain.schema.fields.length, 700)
    }))

  it('reads whole files on a file system without tail reads', () =>
    withTempDir(async (dir) => {
      const size = await put(dir, 'a.parquet', parquet(t.struct({ x: t.int() }), [[1], [2]]))
      const { fs, read } = countingFs(false)
      const prepared = await prepareFileScan(req(dir), fs)
      assert.equal(simpleString(prepared.schema), 'struct<x:int>')
      assert.equal(read.whole, size)
    }))

  it('fails naming a file that is not Parquet, small or large', () =>
    withTempDir(async (dir) => {
      for (const [name, bytes] of [
        ['small.parquet', new Uint8Array([1, 2, 3])],
        ['large.parquet', new Uint8Array(100_000).fill(7)],
      ] as const) {
        const sub = join(dir, name.split('.')[0])
        await put(sub, name, bytes)
        await assert.rejects(
          prepareFileScan(req(sub), countingFs().fs),
          (e: unknown) => isSluiceError(e, 'FAILED_READ_FILE') && (e as Error).message.includes(name),
        )
      }
    }))

  it('infers the schema of a stream (schemaInference) from the first footer the same way', () =>
    withTempDir(async (dir) => {
      const rows = Array.from({ length: 200_000 }, (_, i) => [i, `name-${i * 7919}`])
      const size = await put(dir, 'a.parquet', parquet(t.struct({ id: t.long(), name: t.string() }), rows))
      const tail = readParquetFooterSync(join(dir, 'a.parquet'))
      assert.ok(tail !== undefined && tail.length <= 65_536 && tail.length < size / 10)
      assert.equal(readParquetFooterSync(join(dir, 'gone.parquet')), undefined)
      const wide = t.struct(
        Object.fromEntries(
          Array.from({ length: 700 }, (_, i) => [`a_rather_long_column_name_${i}`, t.int()]),
        ),
      )
      const wideDir = join(dir, 'wide')
      await put(wideDir, 'w.parquet', parquet(wide, [Array.from({ length: 700 }, (_, i) => i)]))
      assert.ok((readParquetFooterSync(join(wideDir, 'w.parquet'))?.length ?? 0) > 65_536)
      const schema = sourceProvider('parquet').schema({ path: wideDir, schemaInference: 'true' }, undefined)
      assert.equal(schema.fields.length, 700)
      assert.equal(schema.fields[699].name, 'a_rather_long_column_name_699')
    }))
})
