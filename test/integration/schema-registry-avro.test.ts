/**
 * from_avro/to_avro over a real schema registry: Apicurio Registry serving Confluent's REST API
 * (started by scripts/schema-registry.mjs), and the real Kafka broker for the end-to-end case.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { col, from_avro, isSluiceError, Sluice, struct, t, to_avro } from '../../src/index.ts'
import { createTopic, kafkaBroker, uniqueTopic } from '../harness/kafka-broker.ts'
import { registryRequest, schemaRegistry } from '../harness/schema-registry.ts'

const sluice = Sluice.local({ 'sluice.sql.session.timeZone': 'UTC', 'sluice.streaming.stopOnSignal': false })
let url = ''
before(async () => {
  url = await schemaRegistry()
})

const Users = t.struct({ id: t.long(), name: t.string() })
const users = () =>
  sluice.createDataFrame(
    [
      { id: 1, name: 'ann' },
      { id: 2, name: 'bob' },
    ],
    Users,
  )
const record = (name: string, fields: object[]) =>
  JSON.stringify({ type: 'record', name, namespace: 'sluice.test', fields })
const V1 = record('User', [
  { name: 'id', type: 'long' },
  { name: 'name', type: 'string' },
])
const V2 = record('User', [
  { name: 'id', type: 'long' },
  { name: 'name', type: 'string' },
  { name: 'email', type: 'string', default: 'none' },
])
type Row = { value: Uint8Array; [k: string]: unknown }
const headerId = (b: unknown) => {
  const bytes = b as Uint8Array
  assert.equal(bytes[0], 0, 'the Confluent magic byte')
  return Buffer.from(bytes).readInt32BE(1)
}

describe('to_avro with a schema registry', () => {
  it('registers under <topic>-value and writes the registry id; from_avro reads the subject back', async () => {
    const topic = uniqueTopic('users')
    const reg = { 'schema.registry.url': url, topic }
    const rows = users()
      .select(to_avro(struct('id', 'name'), V1, reg).alias('value'))
      .collect() as Row[]
    const latest = (await registryRequest(url, 'GET', `/subjects/${topic}-value/versions/latest`)) as Row
    assert.deepEqual(JSON.parse(latest.schema as string), JSON.parse(V1))
    for (const r of rows) assert.equal(headerId(r.value), latest.id)
    const back = sluice
      .createDataFrame(rows, t.struct({ value: t.binary() }))
      .select(from_avro('value', null, reg).alias('u'))
      .collect()
    assert.deepEqual(back, [{ u: { id: 1, name: 'ann' } }, { u: { id: 2, name: 'bob' } }])
  })

  it('names subjects by RecordNameStrategy and TopicRecordNameStrategy, and as key', async () => {
    const topic = uniqueTopic('strategies')
    const write = (o: Record<string, string>) =>
      users()
        .select(
          to_avro(struct('id', 'name'), record(`${topic.replace(/-/g, '_')}`, JSON.parse(V1).fields), {
            'schema.registry.url': url,
            ...o,
          }),
        )
        .collect()
    const name = `sluice.test.${topic.replace(/-/g, '_')}`
    write({ 'subject.name.strategy': 'RecordNameStrategy' })
    write({
      topic,
      'subject.name.strategy': 'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy',
    })
    write({ topic, isKey: 'true' })
    const subjects = (await registryRequest(url, 'GET', '/subjects')) as string[]
    for (const s of [name, `${topic}-${name}`, `${topic}-key`]) assert.ok(subjects.includes(s), s)
  })

  it("surfaces the subject's compatibility rule as SCHEMA_INCOMPATIBLE", async () => {
    const topic = uniqueTopic('compat')
    const reg = { 'schema.registry.url': url, topic }
    users()
      .select(to_avro(struct('id', 'name'), V1, reg))
      .collect()
    await registryRequest(url, 'PUT', `/config/${topic}-value`, { compatibility: 'BACKWARD' })
    const breaking = record('User', [{ name: 'id', type: 'string' }])
    const df = sluice.createDataFrame([{ id: 'x' }], t.struct({ id: t.string() }))
    assert.throws(
      () => df.select(to_avro(struct('id'), breaking, reg)).collect(),
      (e) => isSluiceError(e, 'SCHEMA_INCOMPATIBLE') && e.message.includes(`${topic}-value`),
    )
    // A compatible evolution registers as version 2.
    users()
      .select(to_avro(struct('id', 'name', col('name').alias('email')), V2, reg))
      .collect()
    const versions = await registryRequest(url, 'GET', `/subjects/${topic}-value/versions`)
    assert.deepEqual(versions, [1, 2])
  })

  it('with auto.register.schemas false needs the schema registered; use.latest.version writes with the latest', async () => {
    const topic = uniqueTopic('noreg')
    const reg = { 'schema.registry.url': url, topic }
    assert.throws(
      () =>
        users()
          .select(to_avro(struct('id', 'name'), V1, { ...reg, 'auto.register.schemas': 'false' }))
          .collect(),
      (e) => isSluiceError(e, 'SCHEMA_NOT_FOUND'),
    )
    const { id } = (await registryRequest(url, 'POST', `/subjects/${topic}-value/versions`, {
      schema: V2,
    })) as { id: number }
    const df = users().select(col('id'), col('name'), col('name').alias('email'))
    const [r] = df
      .select(
        to_avro(struct('id', 'name', 'email'), undefined, {
          ...reg,
          'use.latest.version': 'true',
        }).alias('value'),
      )
      .collect() as Row[]
    assert.equal(headerId(r.value), id)
  })
})

describe('from_avro with a schema registry', () => {
  it('reads values of several writer schemas (ids from the header) into the reader schema', async () => {
    const topic = uniqueTopic('evolve')
    const reg = { 'schema.registry.url': url, topic }
    const old = users()
      .select(to_avro(struct('id', 'name'), V1, reg).alias('value'))
      .collect() as Row[]
    const df = sluice.createDataFrame(
      [{ id: 3, name: 'cy', email: 'c@x' }],
      t.struct({ id: t.long(), name: t.string(), email: t.string() }),
    )
    const neu = df.select(to_avro(struct('id', 'name', 'email'), V2, reg).alias('value')).collect() as Row[]
    assert.notEqual(headerId(old[0].value), headerId(neu[0].value))
    const values = sluice.createDataFrame([...old, ...neu], t.struct({ value: t.binary() }))
    // Reader: the subject's latest (V2): old values get the default.
    assert.deepEqual(values.select(from_avro('value', null, reg).alias('u')).collect(), [
      { u: { id: 1, name: 'ann', email: 'none' } },
      { u: { id: 2, name: 'bob', email: 'none' } },
      { u: { id: 3, name: 'cy', email: 'c@x' } },
    ])
    // Reader: version 1 of the subject: new values lose the field they added.
    assert.deepEqual(values.select(from_avro('value', null, { ...reg, version: '1' }).alias('u')).collect(), [
      { u: { id: 1, name: 'ann' } },
      { u: { id: 2, name: 'bob' } },
      { u: { id: 3, name: 'cy' } },
    ])
  })

  it('fetches a writer schema once per id: later reads need no registry answer for it', async () => {
    const topic = uniqueTopic('cached')
    const reg = { 'schema.registry.url': url, topic }
    // A schema of its own: the registry shares one id between subjects with the same schema.
    const own = record(topic.replace(/-/g, '_'), JSON.parse(V1).fields)
    const rows = users()
      .select(to_avro(struct('id', 'name'), own, reg).alias('value'))
      .collect() as Row[]
    const id = headerId(rows[0].value)
    const values = sluice.createDataFrame(rows, t.struct({ value: t.binary() }))
    const read = () =>
      values
        .select(from_avro('value', own, reg).alias('u'))
        .select('u.name')
        .collect()
    assert.deepEqual(read(), [{ name: 'ann' }, { name: 'bob' }])
    // Deleted for good, the registry no longer knows the id; the cached schema still reads the values.
    await registryRequest(url, 'DELETE', `/subjects/${topic}-value`)
    await registryRequest(url, 'DELETE', `/subjects/${topic}-value?permanent=true`)
    await assert.rejects(registryRequest(url, 'GET', `/schemas/ids/${id}`), /404/)
    assert.deepEqual(read(), [{ name: 'ann' }, { name: 'bob' }])
  })

  it('refuses a writer schema the reader cannot read, a missing subject and a bad header', async () => {
    const topic = uniqueTopic('refuse')
    const reg = { 'schema.registry.url': url, topic }
    const rows = users()
      .select(to_avro(struct('id', 'name'), V1, reg).alias('value'))
      .collect() as Row[]
    const values = sluice.createDataFrame(rows, t.struct({ value: t.binary() }))
    const reader = record('User', [{ name: 'age', type: 'int' }])
    assert.throws(
      () => values.select(from_avro('value', reader, reg)).collect(),
      (e) => isSluiceError(e, 'SCHEMA_INCOMPATIBLE') && /schema id \d+/.test(e.message),
    )
    assert.throws(
      () =>
        values
          .select(from_avro('value', null, { 'schema.registry.url': url, subject: `${topic}-nope` }))
          .collect(),
      (e) => isSluiceError(e, 'SCHEMA_NOT_FOUND') && e.message.includes(`${topic}-nope`),
    )
    const bad = sluice.createDataFrame(
      [{ value: new Uint8Array([1, 2, 3]) }],
      t.struct({ value: t.binary() }),
    )
    assert.throws(
      () => bad.select(from_avro('value', V1, reg)).collect(),
      (e) => isSluiceError(e, 'MALFORMED_RECORD'),
    )
    assert.deepEqual(
      bad.select(from_avro('value', V1, { ...reg, mode: 'PERMISSIVE' }).alias('u')).collect(),
      [{ u: { id: null, name: null } }],
    )
    assert.throws(
      () => values.select(from_avro('value', V1, { 'schema.registry.url': 'http://127.0.0.1:9' })).collect(),
      (e) => isSluiceError(e, 'SCHEMA_REGISTRY_ERROR') && /Cannot reach/.test(e.message),
    )
  })

  it('round-trips through Kafka: to_avro into a topic, from_avro out of it', async () => {
    const { bootstrap } = await kafkaBroker()
    const topic = uniqueTopic('avro-kafka')
    await createTopic(bootstrap, topic, 2)
    const reg = { 'schema.registry.url': url, topic }
    await users()
      .select(col('name').alias('key'), to_avro(struct('id', 'name'), V1, reg).alias('value'))
      .write.format('kafka')
      .option('kafka.bootstrap.servers', bootstrap)
      .option('topic', topic)
      .save()
    const read = await sluice.read
      .format('kafka')
      .option('kafka.bootstrap.servers', bootstrap)
      .option('subscribe', topic)
      .load()
    const got = read
      .select(from_avro('value', null, reg).alias('u'))
      .select('u.*')
      .orderBy('id')
      .collect()
    assert.deepEqual(got, [
      { id: 1, name: 'ann' },
      { id: 2, name: 'bob' },
    ])
  })
})
