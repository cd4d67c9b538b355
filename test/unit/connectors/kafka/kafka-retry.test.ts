import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MultipleErrors, NetworkError, ProtocolError, UserError } from '@platformatic/kafka'
import {
  describeKafkaError,
  isTransientKafkaError,
  type KafkaRetryPolicy,
  withKafkaRetry,
} from '../../../../src/connectors/kafka/kafka-retry.ts'
import { SluiceError } from '../../../../src/errors.ts'

const FAST: KafkaRetryPolicy = {
  deadlineMs: 50,
  backoffMs: 1,
  maxBackoffMs: 2,
  attempts: 3,
  attemptIntervalMs: 1,
}
const refused = () =>
  new NetworkError('Connection to 127.0.0.1:9 failed.', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  })

describe('Kafka errors worth waiting out', () => {
  it('are network failures and the protocol errors Kafka marks retriable, however nested', () => {
    assert.equal(isTransientKafkaError(refused()), true)
    assert.equal(
      isTransientKafkaError(new MultipleErrors('listOffsets failed 2 times.', [refused(), refused()])),
      true,
    )
    assert.equal(isTransientKafkaError(new ProtocolError('NOT_LEADER_OR_FOLLOWER')), true)
    assert.equal(isTransientKafkaError(new ProtocolError('TOPIC_AUTHORIZATION_FAILED')), false)
    assert.equal(isTransientKafkaError(new UserError('Unknown topic t.')), false)
    assert.equal(isTransientKafkaError(new SluiceError('INVALID_OPTION', 'x')), false)
  })

  it('are described by their innermost messages', () => {
    assert.equal(
      describeKafkaError(new MultipleErrors('m', [refused()])),
      'Connection to 127.0.0.1:9 failed. (connect ECONNREFUSED)',
    )
  })
})

describe('withKafkaRetry', () => {
  it('retries a transient failure until the call succeeds', async () => {
    let calls = 0
    const value = await withKafkaRetry('listing', FAST, async () => {
      if (++calls < 4) throw refused()
      return 'ok'
    })
    assert.deepEqual([value, calls], ['ok', 4])
  })

  it('gives other failures fetchOffset.numRetries attempts, then names what failed', async () => {
    let calls = 0
    await assert.rejects(
      withKafkaRetry('fetching latest offsets', FAST, async () => {
        calls++
        throw new UserError('nope')
      }),
      (e: Error) =>
        e.message.includes(
          'Kafka: fetching latest offsets gave up: it failed 3 time(s) (fetchOffset.numRetries): nope',
        ),
    )
    assert.equal(calls, 3)
  })

  it('fails with SOURCE_UNAVAILABLE once the broker stays away past the deadline', async () => {
    await assert.rejects(
      withKafkaRetry('listing', FAST, async () => {
        throw refused()
      }),
      (e: Error) =>
        e instanceof SluiceError &&
        e.code === 'SOURCE_UNAVAILABLE' &&
        e.message.includes('kafka.default.api.timeout.ms'),
    )
  })

  it('throws Sluice’s own errors at once, and runs beforeRetry before each retry', async () => {
    let calls = 0
    let refreshed = 0
    await assert.rejects(
      withKafkaRetry(
        'reading',
        FAST,
        async () => {
          if (++calls === 1) throw refused()
          throw new SluiceError('SOURCE_UNAVAILABLE', 'data loss')
        },
        { beforeRetry: () => refreshed++ },
      ),
      /data loss/,
    )
    assert.deepEqual([calls, refreshed], [2, 1])
  })

  it('counts the deadline in waits, not in the time slow attempts take, through the injected timer', async () => {
    // Each attempt "takes" 10 s (a loaded machine); the waits are recorded, not slept.
    let now = 0
    const waits: number[] = []
    const timer = {
      elapsedMs: () => now,
      sleep: async (ms: number) => void waits.push(ms),
    }
    let calls = 0
    await assert.rejects(
      withKafkaRetry('listing', { ...FAST, timer }, async () => {
        calls++
        now += 10_000
        throw refused()
      }),
      (e: Error) => e instanceof SluiceError && e.message.includes(`unreachable for ${calls * 10_000} ms`),
    )
    assert.equal(
      waits.reduce((a, b) => a + b, 0),
      FAST.deadlineMs,
    )
    assert.equal(calls, waits.length + 1)
  })
})
