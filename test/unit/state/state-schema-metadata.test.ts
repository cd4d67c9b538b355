import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import { field, structOf, t } from '../../../src/schema/data-type.ts'
import {
  checkCompatible,
  decodeStateSchemaMetadata,
  encodeStateSchemaMetadata,
  isAllowedEvolution,
  openStateSchemaMetadata,
  readStateSchemaMetadata,
  type StateSchemaMetadata,
} from '../../../src/state/state-schema-metadata.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const window = t.struct({ start: t.timestamp(), end: t.timestamp() })
const stored: StateSchemaMetadata = {
  operatorKind: 'aggregate',
  numPartitions: 4,
  stores: [
    {
      storeName: 'default',
      keySchema: structOf([field('user', t.string()), field('window', window, false)]),
      valueSchema: structOf([field('count', t.long(), false), field('sum', t.double())]),
    },
  ],
}

function withStore(change: Partial<StateSchemaMetadata['stores'][0]>): StateSchemaMetadata {
  return { ...stored, stores: [{ ...stored.stores[0], ...change }] }
}

function incompatible(current: StateSchemaMetadata, message: RegExp): void {
  assert.throws(
    () => checkCompatible(stored, current, '/c/state/0/_metadata'),
    (e: Error & { code: string }) => {
      assert.equal(e.code, 'STATE_SCHEMA_INCOMPATIBLE')
      assert.match(e.message, message)
      assert.match(e.message, /new checkpoint location/)
      assert.match(e.message, /\/c\/state\/0\/_metadata/)
      return true
    },
  )
}

describe('state schema metadata', () => {
  it('round-trips through its v2 file with Spark schema JSON', () => {
    const text = encodeStateSchemaMetadata(stored)
    assert.match(text, /\ncrc32:[0-9a-f]{8}\n$/)
    assert.match(
      text,
      /^v2\n\{"operatorKind":"aggregate","numPartitions":4,"stores":\[\{"storeName":"default","keySchema":\{"type":"struct"/,
    )
    const back = decodeStateSchemaMetadata('/m', new TextEncoder().encode(text))
    assert.deepEqual(JSON.parse(JSON.stringify(back)), JSON.parse(JSON.stringify(stored)))
    checkCompatible(stored, back)
  })

  it('accepts renamed fields and a field that became non-nullable, as Spark does', () => {
    checkCompatible(
      stored,
      withStore({ keySchema: structOf([field('userId', t.string()), field('w', window, false)]) }),
    )
    checkCompatible(
      stored,
      withStore({
        valueSchema: structOf([field('count', t.long(), false), field('sum', t.double(), false)]),
      }),
    )
  })

  it('says which grouping key changed', () => {
    incompatible(
      withStore({ keySchema: structOf([field('user', t.string())]) }),
      /key \(grouping columns\).*2 fields became 1/,
    )
    incompatible(
      withStore({ keySchema: structOf([field('user', t.long()), field('window', window, false)]) }),
      /field 1 was `user string` and is now `user bigint`/,
    )
  })

  it('says which aggregate value changed, including a field becoming nullable', () => {
    incompatible(
      withStore({ valueSchema: structOf([field('count', t.long()), field('sum', t.double())]) }),
      /value \(aggregates\).*field 1 was `count bigint not null` and is now `count bigint`/,
    )
  })

  it('names a changed operator kind, partition count or store list', () => {
    incompatible({ ...stored, operatorKind: 'dedupe' }, /was a aggregate and is now a dedupe/)
    incompatible({ ...stored, numPartitions: 8 }, /4 partitions.*8.*sluice\.sql\.shuffle\.partitions/)
    incompatible({ ...stored, stores: [] }, /\[default\] and are now \[\]/)
  })

  it('writes the file once and checks later starts against it', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'state', '0', '_metadata')
      assert.equal(await readStateSchemaMetadata(nodeFileSystem, path), undefined)
      await openStateSchemaMetadata(nodeFileSystem, path, stored)
      const bytes = await readFile(path)
      await openStateSchemaMetadata(nodeFileSystem, path, stored)
      await assert.rejects(openStateSchemaMetadata(nodeFileSystem, path, { ...stored, numPartitions: 2 }), {
        code: 'STATE_SCHEMA_INCOMPATIBLE',
      })
      assert.deepEqual(await readFile(path), bytes)
    }))

  it('refuses a corrupt or newer metadata file', () =>
    withTempDir(async (dir) => {
      const path = join(dir, '_metadata')
      await writeFile(path, 'v1\n{"operatorKind":"aggregate"}\n')
      await assert.rejects(readStateSchemaMetadata(nodeFileSystem, path), {
        code: 'CHECKPOINT_CORRUPT',
        message: /numPartitions/,
      })
      await writeFile(path, 'v1\n{"operatorKind"')
      await assert.rejects(readStateSchemaMetadata(nodeFileSystem, path), { code: 'CHECKPOINT_CORRUPT' })
      await writeFile(path, 'v3\n{}\n')
      await assert.rejects(readStateSchemaMetadata(nodeFileSystem, path), {
        code: 'CHECKPOINT_VERSION_UNSUPPORTED',
      })
    }))

  it('reads a v1 file (no checksum) and refuses a v2 file with one changed byte', () =>
    withTempDir(async (dir) => {
      const path = join(dir, '_metadata')
      const v2 = encodeStateSchemaMetadata(stored)
      const v1 = `v1\n${v2.split('\n')[1]}\n`
      await writeFile(path, v1)
      const back = await readStateSchemaMetadata(nodeFileSystem, path)
      assert.equal(back?.numPartitions, stored.numPartitions)
      await writeFile(path, v2.replace('"numPartitions":4', '"numPartitions":5'))
      await assert.rejects(readStateSchemaMetadata(nodeFileSystem, path), {
        code: 'CHECKPOINT_CORRUPT',
        message: /does not match its checksum/,
      })
      await writeFile(path, v2.split('\n').slice(0, 2).join('\n') + '\n')
      await assert.rejects(readStateSchemaMetadata(nodeFileSystem, path), {
        code: 'CHECKPOINT_CORRUPT',
        message: /checksum line/,
      })
    }))
})

describe("transformWithState's allowed evolutions (Spark 4)", () => {
  const variable = (name: string, fields: Parameters<typeof structOf>[0]) => ({
    storeName: name,
    keySchema: structOf([field('key', t.string())]),
    valueSchema: structOf([field('value', structOf(fields)), field('expiresAt', t.long(), false)]),
  })
  const tws = (...stores: ReturnType<typeof variable>[]): StateSchemaMetadata => ({
    operatorKind: 'transformWithState',
    numPartitions: 4,
    stores,
    details: { timeMode: 'None' },
  })
  const v1 = tws(variable('count', [field('n', t.long())]))

  it('allows a new variable and a nullable field added at the end', () => {
    assert.ok(isAllowedEvolution(v1, tws(variable('count', [field('n', t.long())]), variable('seen', []))))
    assert.ok(
      isAllowedEvolution(v1, tws(variable('count', [field('n', t.long()), field('label', t.string())]))),
    )
  })

  it('refuses a variable gone, a field retyped or not nullable, a changed time mode', () => {
    assert.ok(!isAllowedEvolution(v1, tws(variable('other', [field('n', t.long())]))))
    assert.ok(!isAllowedEvolution(v1, tws(variable('count', [field('n', t.string())]))))
    assert.ok(
      !isAllowedEvolution(v1, tws(variable('count', [field('n', t.long()), field('x', t.long(), false)]))),
    )
    assert.ok(!isAllowedEvolution(v1, { ...v1, details: { timeMode: 'EventTime' } }))
  })

  it('rewrites _metadata with the evolved schemas', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'state', '0', '_metadata')
      await openStateSchemaMetadata(nodeFileSystem, path, v1, { evolvable: true })
      const v2 = tws(variable('count', [field('n', t.long())]), variable('seen', []))
      await openStateSchemaMetadata(nodeFileSystem, path, v2, { evolvable: true })
      assert.deepEqual(
        (await readStateSchemaMetadata(nodeFileSystem, path))?.stores.map((s) => s.storeName),
        ['count', 'seen'],
      )
    }))
})
