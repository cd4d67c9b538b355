/**
 * Operator expression fingerprints (beyond Spark): a restart whose stateful operator reads other
 * expressions of the same types (another grouping column, aggregate argument, dedup key) has the
 * same state schema; Spark runs it and mixes old and new results. Sluice refuses it at start with
 * STATE_SCHEMA_INCOMPATIBLE naming the change, unless
 * `sluice.sql.streaming.stateStore.acceptExpressionChanges` is set, which runs it and records the
 * new expressions. Checkpoints written before fingerprints (no `expressions` detail) still start.
 */
import assert from 'node:assert/strict'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  col,
  type DataFrame,
  expr,
  isSluiceError,
  Sluice,
  type SluiceConfig,
  sum,
  t,
} from '../../src/index.ts'
import { withTempDir } from '../harness/temp-dir.ts'

const INPUT = t.struct({ k: t.string(), j: t.string(), n: t.long(), m: t.long() })

type Query = (df: DataFrame) => DataFrame

const byK: Query = (df) => df.groupBy(col('k')).agg(sum('n').as('s'))

/** Runs `query` over `dir/in` once (availableNow) into foreachBatch; returns what it saw. */
async function run(
  dir: string,
  query: Query,
  conf: SluiceConfig = {},
  mode: 'update' | 'append' = 'update',
): Promise<string[]> {
  const sluice = Sluice.local({ 'sluice.streaming.stopOnSignal': false, ...conf })
  const seen: string[] = []
  const q = await query(sluice.readStream.format('json').schema(INPUT).load(join(dir, 'in')))
    .writeStream.outputMode(mode)
    .foreachBatch((df) => {
      for (const r of df.collect()) seen.push(Object.values(r).map(String).join('='))
    })
    .option('checkpointLocation', join(dir, 'ckpt'))
    .trigger({ availableNow: true })
    .start()
  await q.awaitTermination()
  return seen.sort()
}

async function addInput(dir: string, n: number): Promise<void> {
  await mkdir(join(dir, 'in'), { recursive: true })
  const temp = join(dir, 'in', `.${n}.tmp`)
  await writeFile(temp, `{"k":"a","j":"x","n":${n},"m":${10 * n}}\n`)
  await rename(temp, join(dir, 'in', `${n}.json`))
}

async function refusal(start: Promise<unknown>): Promise<Error> {
  const e = await start.then(
    () => assert.fail('the changed query started'),
    (x: unknown) => x as Error,
  )
  assert.ok(isSluiceError(e, 'STATE_SCHEMA_INCOMPATIBLE'), e.stack)
  return e
}

describe('operator expression fingerprints', () => {
  it('refuses another aggregate argument of the same type', () =>
    withTempDir(async (dir) => {
      await addInput(dir, 1)
      await run(dir, byK)
      await addInput(dir, 2)
      const e = await refusal(run(dir, (df) => df.groupBy(col('k')).agg(sum('m').as('s'))))
      assert.match(
        e.message,
        /expressions changed from \[keys=\[k\]; aggregates=\[sum\(n\)\]\] to \[keys=\[k\]; aggregates=\[sum\(m\)\]\]/,
      )
      assert.match(e.message, /state[/\\]0[/\\]_metadata/)
      assert.match(e.message, /acceptExpressionChanges/)
    }))

  it('refuses another grouping column of the same type', () =>
    withTempDir(async (dir) => {
      await addInput(dir, 1)
      await run(dir, byK)
      await addInput(dir, 2)
      const e = await refusal(run(dir, (df) => df.groupBy(col('j')).agg(sum('n').as('s'))))
      assert.match(e.message, /keys=\[k\].* to \[keys=\[j\]/)
    }))

  it('refuses another dedup key of the same type', () =>
    withTempDir(async (dir) => {
      await addInput(dir, 1)
      await run(dir, (df) => df.dropDuplicates(['k']))
      await addInput(dir, 2)
      const e = await refusal(run(dir, (df) => df.dropDuplicates(['j'])))
      assert.match(e.message, /keys=\[k\]\] to \[keys=\[j\]\]/)
    }))

  it('refuses other join keys of the same type', () =>
    withTempDir(async (dir) => {
      await addInput(dir, 1)
      const joinOn =
        (column: string): Query =>
        (df) =>
          df
            .alias('l')
            .join(df.alias('r'), expr(`l.${column} = r.${column}`), 'inner')
            .select(col('l.k'), col('r.n'))
      await run(dir, joinOn('k'), {}, 'append')
      await addInput(dir, 2)
      const e = await refusal(run(dir, joinOn('j'), {}, 'append'))
      assert.match(e.message, /left=\[k\]; right=\[k\]\] to \[left=\[j\]; right=\[j\]\]/)
    }))

  it('runs the change when accepted, records it, and the next start needs no option', () =>
    withTempDir(async (dir) => {
      await addInput(dir, 1)
      assert.deepEqual(await run(dir, byK), ['a=1'])
      await addInput(dir, 2)
      const bySumM: Query = (df) => df.groupBy(col('k')).agg(sum('m').as('s'))
      const accept = { 'sluice.sql.streaming.stateStore.acceptExpressionChanges': true }
      // The old state (1) plus the new argument's values (20): what the user accepted.
      assert.deepEqual(await run(dir, bySumM, accept), ['a=21'])
      const metadata = await readFile(join(dir, 'ckpt', 'state', '0', '_metadata'), 'utf8')
      assert.match(metadata, /aggregates=\[sum\(m\)\]/)
      await addInput(dir, 3)
      assert.deepEqual(await run(dir, bySumM), ['a=51'])
    }))

  it('the same query restarts, and one from before fingerprints is not refused', () =>
    withTempDir(async (dir) => {
      await addInput(dir, 1)
      await run(dir, byK)
      await addInput(dir, 2)
      assert.deepEqual(await run(dir, byK), ['a=3'])
      // A checkpoint from before fingerprints: its metadata has no `expressions` detail.
      const path = join(dir, 'ckpt', 'state', '0', '_metadata')
      const { decodeStateSchemaMetadata, encodeStateSchemaMetadata } = await import(
        '../../src/state/state-schema-metadata.ts'
      )
      const old = decodeStateSchemaMetadata(path, await readFile(path))
      const { expressions: _, ...details } = old.details ?? {}
      await writeFile(path, encodeStateSchemaMetadata({ ...old, details }))
      await addInput(dir, 3)
      assert.deepEqual(await run(dir, (df) => df.groupBy(col('k')).agg(sum('m').as('s'))), ['a=33'])
    }))
})
