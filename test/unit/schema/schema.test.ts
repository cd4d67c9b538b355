import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../src/errors.ts'
import { t } from '../../../src/schema/data-type.ts'
import { treeString } from '../../../src/schema/print-schema.ts'
import { schemaFromJson, schemaToJson } from '../../../src/schema/schema-json.ts'

const Bid = t.struct({
  auction: t.notNull(t.long()),
  price: t.double(),
  tags: t.array(t.string()),
  attrs: t.map(t.string(), t.int()),
  person: t.struct({ name: t.string(), since: t.date() }),
  ts: t.timestamp(),
})

describe('schemas', () => {
  it("prints like Spark's printSchema()", () => {
    assert.equal(
      treeString(Bid),
      [
        'root',
        ' |-- auction: long (nullable = false)',
        ' |-- price: double (nullable = true)',
        ' |-- tags: array (nullable = true)',
        ' |    |-- element: string (containsNull = true)',
        ' |-- attrs: map (nullable = true)',
        ' |    |-- key: string',
        ' |    |-- value: integer (valueContainsNull = true)',
        ' |-- person: struct (nullable = true)',
        ' |    |-- name: string (nullable = true)',
        ' |    |-- since: date (nullable = true)',
        ' |-- ts: timestamp (nullable = true)',
        '',
      ].join('\n'),
    )
  })

  it("writes Spark's schema JSON and reads it back", () => {
    const json = schemaToJson(t.struct({ id: t.notNull(t.long()), tags: t.array(t.string(), false) }))
    assert.equal(
      json,
      '{"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{}},' +
        '{"name":"tags","type":{"type":"array","elementType":"string","containsNull":false},"nullable":true,"metadata":{}}]}',
    )
    assert.deepEqual(schemaFromJson(schemaToJson(Bid)), JSON.parse(JSON.stringify(Bid)))
  })

  it('reads a schema JSON produced by Spark', () => {
    const spark =
      '{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{}},{"name":"m","type":{"type":"map","keyType":"string","valueType":"double","valueContainsNull":true},"nullable":true,"metadata":{}}]}'
    const s = schemaFromJson(spark)
    assert.deepEqual(
      s.fields.map((f) => [f.name, f.type.kind]),
      [
        ['a', 'int'],
        ['m', 'map'],
      ],
    )
  })

  it('rejects corrupt or unknown schema JSON with INVALID_SCHEMA', () => {
    for (const bad of [
      '{',
      '"string"',
      '{"type":"struct"}',
      '{"type":"struct","fields":[{"name":"a","type":"uuid"}]}',
    ]) {
      assert.throws(
        () => schemaFromJson(bad),
        (e) => isSluiceError(e, 'INVALID_SCHEMA'),
      )
    }
  })
})
