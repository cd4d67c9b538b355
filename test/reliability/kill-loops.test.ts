/**
 * The fast part of the random SIGKILL loops (kill-loop.ts): a windowed aggregation into the json
 * file sink and into the exactly-once Kafka sink, killed at random points of random batches, then
 * run to the end; the output equals a plain computation (0 lost, 0 duplicated). `npm run soak`
 * runs longer loops. A failure names the seed; `SLUICE_KILL_SEED=<seed>` replays it.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { createTopic, kafkaBroker, uniqueTopic } from '../harness/kafka-broker.ts'
import { withTempDir } from '../harness/temp-dir.ts'
import { killLoop, seedOf } from './kill-loop.ts'

describe('random SIGKILL loops over a windowed aggregation', () => {
  let bootstrap = ''
  before(async () => {
    bootstrap = (await kafkaBroker()).bootstrap
  })

  it('-> json file sink: 0 lost, 0 duplicated', (t) =>
    withTempDir(async (dir) => {
      const r = await killLoop({ dir, sink: 'file', files: 8, rounds: 4, seed: seedOf() })
      t.diagnostic(`seed ${r.seed}: ${r.kills} kills, ${r.cleanExits} clean exits, ${r.rows} rows`)
      assert.deepEqual(
        { lost: r.lost, duplicated: r.duplicated },
        { lost: [], duplicated: [] },
        `seed ${r.seed}`,
      )
      assert.ok(r.kills >= 1, `seed ${r.seed}: no round killed the query`)
      assert.ok(r.rows >= 25, `seed ${r.seed}: only ${r.rows} rows`)
    }))

  it('-> exactly-once Kafka sink: 0 lost, 0 duplicated (read_committed)', (t) =>
    withTempDir(async (dir) => {
      const topic = uniqueTopic('kill-loop')
      await createTopic(bootstrap, topic, 2)
      const r = await killLoop({ dir, sink: 'kafka', files: 8, rounds: 4, seed: seedOf(), bootstrap, topic })
      t.diagnostic(`seed ${r.seed}: ${r.kills} kills, ${r.cleanExits} clean exits, ${r.rows} rows`)
      assert.deepEqual(
        { lost: r.lost, duplicated: r.duplicated },
        { lost: [], duplicated: [] },
        `seed ${r.seed}`,
      )
      assert.ok(r.kills >= 1, `seed ${r.seed}: no round killed the query`)
      assert.ok(r.rows >= 25, `seed ${r.seed}: only ${r.rows} rows`)
    }))
})
