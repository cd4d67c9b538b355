import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseKafkaSourceOptions } from '../../../../src/connectors/kafka/kafka-source-options.ts'

const BOOT = { 'kafka.bootstrap.servers': 'localhost:9092' }
const stream = (o: Record<string, string>) => parseKafkaSourceOptions({ ...BOOT, ...o }, 'stream')
const batch = (o: Record<string, string>) => parseKafkaSourceOptions({ ...BOOT, ...o }, 'batch')
const fails = (fn: () => unknown, message: string | RegExp) =>
  assert.throws(fn, (e: Error) =>
    typeof message === 'string' ? e.message.includes(message) : message.test(e.message),
  )

describe('Kafka source options: which partitions', () => {
  it('takes exactly one of subscribe, subscribePattern and assign, with Spark’s messages', () => {
    fails(
      () => stream({}),
      'One of the following options must be specified for Kafka source: subscribe, subscribepattern, assign. See the docs for more details.',
    )
    fails(
      () => stream({ subscribe: 'a', subscribePattern: 'b.*' }),
      'Only one of the following options can be specified for Kafka source: subscribe, subscribepattern, assign.',
    )
  })

  it('splits subscribe on commas, trimming, and refuses an empty list', () => {
    assert.deepEqual(stream({ subscribe: ' a, b ,,c' }).strategy, {
      kind: 'subscribe',
      topics: ['a', 'b', 'c'],
    })
    fails(
      () => stream({ subscribe: ' , ' }),
      "No topics to subscribe to as specified value for option 'subscribe' is ' , '",
    )
  })

  it('takes option names in any case, as Spark', () => {
    assert.equal(stream({ SUBSCRIBE: 'a', StartingOffsets: 'earliest' }).startingOffsets.kind, 'earliest')
  })

  it('reads assign as JSON of topic to partitions', () => {
    assert.deepEqual(stream({ assign: '{"a":[0,2],"b":[1]}' }).strategy, {
      kind: 'assign',
      partitions: ['a:0', 'a:2', 'b:1'],
    })
    fails(
      () => stream({ assign: 'a:0' }),
      "No topicpartitions to assign as specified value for option 'assign' is 'a:0'",
    )
    fails(() => stream({ assign: '{"a":0}' }), 'Expected e.g. {"topicA":[0,1],"topicB":[0,1]}, got {"a":0}')
  })

  it('compiles subscribePattern once, matching anywhere in a name as Spark’s findFirstIn', () => {
    const s = stream({ subscribePattern: 'topic-\\d+' }).strategy
    assert.ok(s.kind === 'subscribePattern' && s.regex.test('my-topic-12') && !s.regex.test('topic-x'))
    fails(
      () => stream({ subscribePattern: '  ' }),
      "Pattern to subscribe is empty as specified value for option 'subscribePattern' is '  '",
    )
    fails(() => stream({ subscribePattern: '(' }), "Invalid subscribePattern '('")
  })
})

describe('Kafka source options: where to start and end', () => {
  it('starts streams at latest and batch reads at earliest, ending batch reads at latest', () => {
    assert.equal(stream({ subscribe: 't' }).startingOffsets.kind, 'latest')
    assert.equal(batch({ subscribe: 't' }).startingOffsets.kind, 'earliest')
    assert.equal(batch({ subscribe: 't' }).endingOffsets.kind, 'latest')
  })

  it('reads per-partition offsets, with Spark’s example when the JSON is malformed', () => {
    const s = stream({ subscribe: 't', startingOffsets: '{"t":{"0":23,"1":-1,"2":-2}}' }).startingOffsets
    assert.deepEqual(s, {
      kind: 'offsets',
      offsets: new Map([
        ['t:0', 23],
        ['t:1', -1],
        ['t:2', -2],
      ]),
    })
    fails(
      () => stream({ subscribe: 't', startingOffsets: 'first' }),
      'Expected e.g. {"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}, got first',
    )
  })

  it('prefers startingTimestamp, then startingOffsetsByTimestamp, then startingOffsets', () => {
    const all = {
      subscribe: 't',
      startingTimestamp: '1000',
      startingOffsetsByTimestamp: '{"t":{"0":5}}',
      startingOffsets: 'earliest',
    }
    assert.deepEqual(stream(all).startingOffsets, { kind: 'timestamp', timestamp: 1000, onNoMatch: 'error' })
    const { startingTimestamp: _, ...byPartition } = all
    assert.deepEqual(
      stream({ ...byPartition, startingOffsetsByTimestampStrategy: 'LATEST' }).startingOffsets,
      {
        kind: 'timestamps',
        timestamps: new Map([['t:0', 5]]),
        onNoMatch: 'latest',
      },
    )
    fails(
      () => stream({ subscribe: 't', startingTimestamp: 'noon' }),
      'Expected a single long value, got noon',
    )
    fails(
      () => stream({ subscribe: 't', startingOffsetsByTimestampStrategy: 'skip' }),
      "expected 'error' or 'latest'",
    )
  })

  it('refuses ending offsets in a stream', () => {
    fails(
      () => stream({ subscribe: 't', endingOffsets: 'latest' }),
      'ending offset not valid in streaming queries',
    )
    fails(
      () => stream({ subscribe: 't', endingOffsetsByTimestamp: '{}' }),
      'ending timestamp not valid in streaming queries',
    )
  })

  it('refuses latest starts and earliest ends in a batch read, partition by partition too', () => {
    fails(
      () => batch({ subscribe: 't', startingOffsets: 'latest' }),
      "starting offset can't be latest for batch queries on Kafka",
    )
    fails(
      () => batch({ subscribe: 't', startingOffsets: '{"t":{"0":-1}}' }),
      "startingOffsets for t-0 can't be latest for batch queries on Kafka",
    )
    fails(
      () => batch({ subscribe: 't', endingOffsets: 'earliest' }),
      "ending offset can't be earliest for batch queries on Kafka",
    )
    fails(
      () => batch({ subscribe: 't', endingOffsets: '{"t":{"1":-2}}' }),
      "ending offset for t-1 can't be earliest for batch queries on Kafka",
    )
  })

  it('refuses start and end offsets over different partitions, or a start past the end', () => {
    fails(
      () => batch({ subscribe: 't', startingOffsets: '{"t":{"0":1}}', endingOffsets: '{"t":{"1":5}}' }),
      'The specified start offset and end offset should have the same topic-partitions. Topic-partitions for start offset: Set(t-0), topic-partitions for end offset: Set(t-1).',
    )
    fails(
      () => batch({ subscribe: 't', startingOffsets: '{"t":{"0":9}}', endingOffsets: '{"t":{"0":5}}' }),
      'The specified start offset 9 is greater than the end offset 5 for topic t partition 0.',
    )
    assert.doesNotThrow(() =>
      batch({ subscribe: 't', startingOffsets: '{"t":{"0":9}}', endingOffsets: '{"t":{"0":-1}}' }),
    )
  })
})

describe('Kafka source options: limits, flags and kafka.* settings', () => {
  it('reads the rate limits, refusing a minimum above the maximum', () => {
    const o = stream({
      subscribe: 't',
      maxOffsetsPerTrigger: '100',
      minOffsetsPerTrigger: '10',
      maxTriggerDelay: '30s',
    })
    assert.deepEqual([o.maxOffsetsPerTrigger, o.minOffsetsPerTrigger, o.maxTriggerDelayMs], [100, 10, 30_000])
    assert.equal(stream({ subscribe: 't' }).maxTriggerDelayMs, 15 * 60_000)
    fails(
      () => stream({ subscribe: 't', maxOffsetsPerTrigger: '5', minOffsetsPerTrigger: '10' }),
      'The value of minOffsetPerTrigger(10) is higher than the maxOffsetsPerTrigger(5).',
    )
    fails(
      () => stream({ subscribe: 't', maxOffsetsPerTrigger: 'many' }),
      "Invalid value 'many' for option 'maxOffsetsPerTrigger'",
    )
  })

  it('reads ahead one batch (maxOffsetsPerTrigger, else 100,000) unless readAheadOffsets says otherwise', () => {
    assert.equal(stream({ subscribe: 't', maxOffsetsPerTrigger: '500' }).readAheadOffsets, 500)
    assert.equal(stream({ subscribe: 't' }).readAheadOffsets, 100_000)
    assert.equal(
      stream({ subscribe: 't', maxOffsetsPerTrigger: '500', readAheadOffsets: '0' }).readAheadOffsets,
      0,
    )
    fails(() => stream({ subscribe: 't', readAheadOffsets: '-1' }), 'readAheadOffsets')
  })

  it('defaults failOnDataLoss to true and includeHeaders to false', () => {
    const o = stream({ subscribe: 't' })
    assert.deepEqual([o.failOnDataLoss, o.includeHeaders], [true, false])
    const p = stream({ subscribe: 't', failOnDataLoss: 'FALSE', includeHeaders: 'true' })
    assert.deepEqual([p.failOnDataLoss, p.includeHeaders], [false, true])
  })

  it('requires kafka.bootstrap.servers', () => {
    fails(
      () => parseKafkaSourceOptions({ subscribe: 't' }, 'stream'),
      "Option 'kafka.bootstrap.servers' must be specified for configuring Kafka consumer",
    )
  })

  it('refuses the Kafka settings Spark refuses, and group.id, with the reason', () => {
    fails(
      () => stream({ subscribe: 't', 'kafka.auto.offset.reset': 'earliest' }),
      "Kafka option 'auto.offset.reset' is not supported.",
    )
    fails(
      () => stream({ subscribe: 't', 'kafka.key.deserializer': 'x' }),
      'keys are deserialized as byte arrays',
    )
    fails(
      () => stream({ subscribe: 't', 'kafka.enable.auto.commit': 'true' }),
      "Kafka option 'enable.auto.commit' is not supported",
    )
    fails(() => stream({ subscribe: 't', 'kafka.group.id': 'g' }), 'joins no consumer group')
  })

  it('refuses an unknown option or kafka.* key, suggesting the close one', () => {
    fails(() => stream({ subscribe: 't', failOnDataLos: 'false' }), "Did you mean 'failOnDataLoss'?")
    fails(
      () => stream({ subscribe: 't', 'kafka.isolation.levl': 'read_committed' }),
      "Did you mean 'kafka.isolation.level'?",
    )
  })

  it('maps the consumer’s kafka.* settings and Spark’s retry options', () => {
    const o = stream({
      subscribe: 't',
      'kafka.isolation.level': 'READ_COMMITTED',
      'kafka.max.partition.fetch.bytes': '4096',
      'kafka.default.api.timeout.ms': '5000',
      'fetchOffset.numRetries': '5',
      'fetchOffset.retryIntervalMs': '20',
    })
    assert.equal(o.fetch.isolationLevel, 1)
    assert.equal(o.fetch.partitionMaxBytes, 4096)
    assert.deepEqual([o.retry.deadlineMs, o.retry.attempts, o.retry.attemptIntervalMs], [5000, 5, 20])
    fails(
      () => stream({ subscribe: 't', 'kafka.isolation.level': 'all' }),
      'expected read_committed or read_uncommitted',
    )
  })

  it('accepts minPartitions and maxRecordsPerPartition when positive, as Spark validates them', () => {
    assert.doesNotThrow(() => stream({ subscribe: 't', minPartitions: '4', maxRecordsPerPartition: '1000' }))
    fails(() => stream({ subscribe: 't', minPartitions: '0' }), 'minPartitions must be positive')
    fails(
      () => stream({ subscribe: 't', maxRecordsPerPartition: '0' }),
      'maxRecordsPerPartition must be positive',
    )
  })
})
