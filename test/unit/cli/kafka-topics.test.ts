/** `sluice kafka topics create|list|describe|delete`, run in-process against the real test broker. */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { program } from '../../../src/cli/main.ts'
import { isSluiceError } from '../../../src/index.ts'
import { kafkaBroker, listTopics, produce, uniqueTopic } from '../../harness/kafka-broker.ts'

let bootstrap = ''
before(async () => {
  bootstrap = (await kafkaBroker()).bootstrap
})

const run = async (...args: string[]) => {
  const lines: string[] = []
  await program((l) => lines.push(l)).parseAsync(['node', 'sluice', 'kafka', 'topics', ...args])
  return lines
}
const at = () => ['--bootstrap-server', bootstrap]

describe('sluice kafka topics', () => {
  it('creates a topic with partitions and configs that describe shows and producers can use', async () => {
    const topic = uniqueTopic('cli-create')
    const created = await run(
      'create',
      topic,
      ...at(),
      '--partitions',
      '3',
      '--replication-factor',
      '1',
      '--config',
      'retention.ms=86400000',
      '--config',
      'cleanup.policy=compact',
    )
    assert.deepEqual(created, [`created topic ${topic}`])
    assert.ok((await run('list', ...at())).includes(topic))
    const described = await run('describe', topic, ...at())
    assert.match(
      described[0],
      new RegExp(`^Topic: ${topic}\\tTopicId: \\S+\\tPartitionCount: 3\\tReplicationFactor: 1\\tConfigs: `),
    )
    assert.deepEqual(described[0].split('Configs: ')[1].split(',').sort(), [
      'cleanup.policy=compact',
      'retention.ms=86400000',
    ])
    assert.deepEqual(
      described.slice(1).map((l) => l.split('\t')[2]),
      ['Partition: 0', 'Partition: 1', 'Partition: 2'],
    )
    await produce(bootstrap, topic, [{ key: 'k', value: 'v', partition: 2 }])
  })

  it('refuses an existing topic unless --if-not-exists', async () => {
    const topic = uniqueTopic('cli-exists')
    await run('create', topic, ...at())
    await assert.rejects(
      run('create', topic, ...at()),
      (e) => isSluiceError(e, 'TOPIC_ALREADY_EXISTS') && e.message.includes(topic),
    )
    assert.deepEqual(await run('create', topic, ...at(), '--if-not-exists'), [`topic ${topic} exists`])
  })

  it('refuses bad partition counts, replication factors and unknown configs, naming them', async () => {
    const topic = uniqueTopic('cli-bad')
    await assert.rejects(
      run('create', topic, ...at(), '--partitions', '0'),
      /--partitions must be a whole number >= 1/,
    )
    await assert.rejects(
      run('create', topic, ...at(), '--replication-factor', '3'),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT') && /replication factor 3/.test(e.message),
    )
    await assert.rejects(
      run('create', topic, ...at(), '--config', 'retention.msec=5'),
      (e) =>
        isSluiceError(e, 'INVALID_ARGUMENT') &&
        /unknown topic config 'retention.msec'.*Did you mean 'retention.ms'/.test(e.message),
    )
    await assert.rejects(
      run('create', topic, ...at(), '--config', 'retention.ms=soon'),
      (e) =>
        isSluiceError(e, 'INVALID_ARGUMENT') && /refused its configs \(retention.ms=soon\)/.test(e.message),
    )
    assert.ok(!(await listTopics(bootstrap)).includes(topic))
  })

  it('deletes a topic; a missing one is an error unless --if-exists', async () => {
    const topic = uniqueTopic('cli-delete')
    await run('create', topic, ...at(), '--partitions', '2')
    assert.deepEqual(await run('delete', topic, ...at()), [`deleted topic ${topic}`])
    assert.ok(!(await run('list', ...at())).includes(topic))
    await assert.rejects(
      run('delete', topic, ...at()),
      (e) => isSluiceError(e, 'TOPIC_NOT_FOUND') && e.message.includes(topic),
    )
    assert.deepEqual(await run('delete', topic, ...at(), '--if-exists'), [`topic ${topic} does not exist`])
    await assert.rejects(run('describe', topic, ...at()), (e) => isSluiceError(e, 'TOPIC_NOT_FOUND'))
  })

  it('lists internal topics (and names starting with __) only when asked', async () => {
    const topic = uniqueTopic('__cli-internal')
    await run('create', topic, ...at())
    assert.ok(!(await run('list', ...at())).includes(topic))
    assert.ok((await run('list', ...at(), '--include-internal')).includes(topic))
    await run('delete', topic, ...at())
  })
})
