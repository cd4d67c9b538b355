/**
 * Kafka -> Sluice -> Kafka -> Sluice -> files, both queries SIGKILLed again and again:
 *
 * - stage 1 (kafka-pipeline-child.ts): input records `{"k","v"}` -> count and sum per key (update
 *   mode) -> a middle topic, with the exactly-once Kafka sink;
 * - stage 2 (kafka-chain-file-child.ts): the middle topic read with read_committed -> the json file
 *   sink, exactly-once through its own log.
 *
 * Rounds alternate between the stages, each killed at a point of a batch's life (stage 1 at the
 * Kafka sink's points, aborted transactions left in the middle topic; stage 2 at the checkpoint's),
 * while the input grows; then each runs to the end. What the files must hold: every update record
 * stage 1 committed, exactly once (no (key, count) twice, none missing against Kafka's Java
 * consumer reading the middle topic), and for each key a last record whose count and sum are the
 * totals of all its input records — every input record's effect, exactly once.
 */
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { DuckDBInstance } from '@duckdb/node-api'
import { Sluice } from '../../src/index.ts'
import { startChild } from '../harness/child-process.ts'
import type { CheckpointPoint } from '../harness/crash-protocol.ts'
import { EXECUTOR_TEST_CONF } from '../harness/executor-conf.ts'
import {
  createTopic,
  kafkaBroker,
  produce,
  uniqueTopic,
  waitForTransactions,
} from '../harness/kafka-broker.ts'
import type { KafkaChainFileChildConfig } from '../harness/kafka-chain-file-child.ts'
import { readCommitted } from '../harness/kafka-committed-reader.ts'
import type { KafkaSinkKillPoint } from '../harness/kafka-kill-points.ts'
import type { KafkaPipelineChildConfig } from '../harness/kafka-pipeline-child.ts'
import { withTempDir } from '../harness/temp-dir.ts'

const PARTITIONS = 3
const KEYS = 7
const ROUNDS = 8
const STAGE1_POINTS: readonly KafkaSinkKillPoint[] = [
  'records-sent',
  'commit-linking',
  'offsets-written',
  'commit-linked',
]
const STAGE2_POINTS: readonly CheckpointPoint[] = ['commit-linking', 'offsets-written', 'commit-linked']

let bootstrap = ''
before(async () => {
  bootstrap = (await kafkaBroker()).bootstrap
})

async function produceInput(topic: string, from: number, count: number): Promise<void> {
  const records = []
  for (let i = from; i < from + count; i++)
    records.push({ value: JSON.stringify({ k: `k${i % KEYS}`, v: i }), partition: i % PARTITIONS })
  await produce(bootstrap, topic, records)
}

/** The next batch id a query on `checkpoint` will run (the first logged one without a commit). */
async function nextBatch(checkpoint: string): Promise<number> {
  const ids = async (log: string) =>
    (await readdir(join(checkpoint, log)).catch(() => [] as string[]))
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
  const commits = await ids('commits')
  return commits.length === 0 ? 0 : Math.max(...commits) + 1
}

interface Update {
  readonly k: string
  readonly n: number
  readonly s: number
}

describe('Kafka -> Sluice -> Kafka -> Sluice -> files under SIGKILL', () => {
  it('the files hold every input record’s effect exactly once', () =>
    withTempDir(async (dir) => {
      const inputTopic = uniqueTopic('chain-in')
      const middle = uniqueTopic('chain-mid')
      await createTopic(bootstrap, inputTopic, PARTITIONS)
      await createTopic(bootstrap, middle, PARTITIONS)
      const stage1: KafkaPipelineChildConfig = {
        checkpoint: join(dir, 'ckpt1'),
        bootstrap,
        inputTopic,
        outputTopic: middle,
        guarantee: 'exactly-once',
        maxOffsetsPerTrigger: 9,
      }
      const out = join(dir, 'out')
      const stage2: KafkaChainFileChildConfig = {
        checkpoint: join(dir, 'ckpt2'),
        bootstrap,
        topic: middle,
        out,
        maxOffsetsPerTrigger: 4,
      }
      let produced = 0
      const kills = { stage1: 0, stage2: 0 }
      await produceInput(inputTopic, 0, 60)
      produced = 60
      for (let round = 0; round < ROUNDS; round++) {
        const p1 = STAGE1_POINTS[round % STAGE1_POINTS.length]
        const b1 = (await nextBatch(stage1.checkpoint)) + (round % 2)
        const e1 = await startChild('kafka-pipeline-child.ts', [
          JSON.stringify({ ...stage1, killAt: { point: p1, batchId: b1 } }),
        ]).exited
        if (e1.signal === 'SIGKILL') kills.stage1++
        else assert.equal(e1.code, 0, `stage 1 exits cleanly when it does not reach ${p1} of batch ${b1}`)
        const p2 = STAGE2_POINTS[round % STAGE2_POINTS.length]
        const b2 = (await nextBatch(stage2.checkpoint)) + (round % 2)
        const e2 = await startChild('kafka-chain-file-child.ts', [
          JSON.stringify({ ...stage2, killAt: { point: p2, batchId: b2 } }),
        ]).exited
        if (e2.signal === 'SIGKILL') kills.stage2++
        else assert.equal(e2.code, 0, `stage 2 exits cleanly when it does not reach ${p2} of batch ${b2}`)
        await produceInput(inputTopic, produced, 15)
        produced += 15
      }
      assert.equal((await startChild('kafka-pipeline-child.ts', [JSON.stringify(stage1)]).exited).code, 0)
      await waitForTransactions(bootstrap, middle)
      assert.equal((await startChild('kafka-chain-file-child.ts', [JSON.stringify(stage2)]).exited).code, 0)
      assert.ok(
        kills.stage1 >= ROUNDS / 2 && kills.stage2 >= ROUNDS / 2,
        `enough kills: ${JSON.stringify(kills)}`,
      )

      // What stage 1 committed to the middle topic, as Kafka's own consumer reads it.
      const committed = (await readCommitted(bootstrap, middle)).map(
        (r) => JSON.parse(r.value ?? '') as Update,
      )
      const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, ...EXECUTOR_TEST_CONF })
      const files = (await (await sluice.read.format('json').load(out)).collect()) as unknown as (Update & {
        partition: number
        offset: number
      })[]
      const key = (u: Update) => `${u.k} n=${u.n} s=${u.s}`
      const inFiles = files.map(key).sort()
      // An independent reader sees the same: the kills fell between the sink's writes, so every data
      // file in the folder belongs to a committed batch.
      assert.deepEqual(await duckdbUpdates(out), inFiles, 'DuckDB reads the same rows from the files')
      assert.equal(new Set(inFiles).size, inFiles.length, 'no update record twice in the files')
      assert.deepEqual(inFiles, committed.map(key).sort(), 'the files hold exactly the committed updates')
      const seen = new Set<string>()
      for (const u of committed) {
        assert.ok(!seen.has(`${u.k} ${u.n}`), `stage 1 committed ${u.k}'s count ${u.n} once`)
        seen.add(`${u.k} ${u.n}`)
      }
      // The last update of each key carries the totals over all input: each input record counted once.
      const last = new Map<string, Update>()
      for (const u of files) if ((last.get(u.k)?.n ?? -1) < u.n) last.set(u.k, u)
      for (let k = 0; k < KEYS; k++) {
        let n = 0
        let s = 0
        for (let i = k; i < produced; i += KEYS) {
          n++
          s += i
        }
        const got = last.get(`k${k}`)
        assert.deepEqual(got && { k: got.k, n: got.n, s: got.s }, { k: `k${k}`, n, s }, `totals of k${k}`)
      }
    }))
})

/** The update rows of every json file in `dir`, as DuckDB reads them. */
async function duckdbUpdates(dir: string): Promise<string[]> {
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  const r = await c.runAndReadAll(`select k, n, s from read_json_auto('${dir}/*.json')`)
  return r
    .getRowObjects()
    .map((o) => `${o.k} n=${o.n} s=${o.s}`)
    .sort()
}
