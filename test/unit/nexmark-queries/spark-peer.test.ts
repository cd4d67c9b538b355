/**
 * The fair Spark comparison's plumbing (bench/nexmark-fair*.ts, bench/readme-nexmark.ts), without
 * running Spark: a missing Python is reported as a reason, the Spark configurations follow the
 * cores, each side's runs become medians and Sluice/Spark ratios, and the README's table is
 * rewritten from a results file between its markers.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runFairComparison } from '../../../bench/nexmark-fair.ts'
import { compareQuery, type EngineRun, sparkConfigs } from '../../../bench/nexmark-fair-stats.ts'
import { sparkAvailability } from '../../../bench/nexmark-spark.ts'
import { BEGIN, END, renderFairMarkdown, replaceBlock } from '../../../bench/readme-nexmark.ts'
import type { ResultsFile } from '../../../bench/results.ts'

const MISSING_PYTHON = '/nonexistent/python3-for-sluice-tests'

const run = (ms: number, cpuMs: number, outputRows: number): EngineRun => ({
  ms,
  cpuMs,
  batchMs: [ms / 2, ms / 2],
  outputRows,
  stateRows: 0,
  stateBytes: 0,
})

describe('the fair Spark comparison', () => {
  it('says why it cannot run when the Python interpreter is missing', async () => {
    const availability = sparkAvailability(MISSING_PYTHON)
    assert.equal(availability.ok, false)
    assert.match(availability.ok ? '' : availability.reason, /python3-for-sluice-tests is not available/)
    const result = await runFairComparison({
      events: 10,
      eventsPerBatch: 10,
      runs: 1,
      queries: ['q0'],
      python: MISSING_PYTHON,
    })
    assert.deepEqual(result.available, false)
  })

  it("gives Spark Sluice's cores, one core, and every core, one process per core count", () => {
    assert.deepEqual(
      sparkConfigs(1, 2).map((c) => [c.cores, c.shufflePartitions, c.roles]),
      [
        [1, 1, ['same cores as Sluice', 'per core']],
        [2, 2, ['every core']],
      ],
    )
    assert.deepEqual(
      sparkConfigs(2, 4).map((c) => [c.cores, c.roles.length]),
      [
        [2, 1],
        [1, 1],
        [4, 1],
      ],
    )
    assert.deepEqual(
      sparkConfigs(1, 1).map((c) => c.roles),
      [['same cores as Sluice', 'per core', 'every core']],
    )
  })

  it('puts the medians of both sides and their wall and CPU ratios on a query, and compares rows', () => {
    const q = compareQuery(
      'q0',
      [run(100, 90, 50), run(300, 200, 50), run(200, 120, 50)],
      [run(400, 600, 50), run(500, 400, 50), run(450, 500, 50)],
      1000,
    )
    assert.equal(q.sluice?.ms, 200)
    assert.equal(q.sluice?.cpuMs, 120)
    assert.equal(q.spark?.ms, 450)
    assert.equal(q.spark?.cpuMs, 500)
    assert.equal(q.wallRatio, 200 / 450)
    assert.equal(q.cpuRatio, 120 / 500)
    assert.equal(q.sluice?.eventsPerCpuSecond, 1000 / 0.12)
    assert.equal(q.sluice?.batches, 6)
    assert.equal(q.rowsMatch, true)
    assert.deepEqual(q.sluice?.runsMs, [100, 300, 200])
    const differ = compareQuery('q5', [run(1, 1, 7)], [run(1, 1, 8)], 10)
    assert.equal(differ.rowsMatch, false)
  })

  it("keeps one side's figures and the other's reason when a side fails", () => {
    const q = compareQuery('q8', [run(10, 10, 1)], 'no PySpark version of this query', 10)
    assert.equal(q.sparkError, 'no PySpark version of this query')
    assert.equal(q.sluice?.ms, 10)
    assert.equal(q.wallRatio, undefined)
    assert.equal(q.rowsMatch, undefined)
  })
})

describe("the README's Nexmark-vs-Spark block", () => {
  const results = {
    commit: 'abc1234',
    dirty: false,
    date: '2026-12-07',
    machine: { cores: 2, cpuModel: 'Test CPU' },
    settings: { command: 'npm run bench -- --only nexmark --peers spark' },
    nexmark: {
      versusSpark: {
        available: true,
        sparkVersion: '4.3.0',
        input: 'Parquet files',
        events: 1000,
        eventsPerBatch: 100,
        warmups: 1,
        runs: 1,
        order: 'interleaved',
        sluiceCores: 1,
        sluiceCpuClock: 'process.cpuUsage()',
        sparkCpuClock: 'MXBean',
        sink: 'noop',
        writeMs: 1,
        loadBefore: [1, 1, 1],
        loadAfter: [2, 2, 2],
        configs: [
          {
            cores: 1,
            shufflePartitions: 1,
            roles: ['same cores as Sluice', 'per core'],
            master: 'local[1]',
            startupMs: 1,
            jvmPeakRssBytes: null,
            loadBefore: [1.5, 1, 1],
            loadAfter: [2.25, 2, 2],
            queries: [compareQuery('q0', [run(100, 80, 5)], [run(400, 320, 5)], 1000)],
          },
        ],
      },
    },
  } as unknown as ResultsFile

  it('is rendered from the results file: command, configuration, load (and a warning when loaded), ratios', () => {
    const md = renderFairMarkdown(results, 'bench/results/x.json')
    assert.match(md, /commit abc1234, 2026-12-07,\n`bench\/results\/x.json` \(2 cores, Test CPU\)/)
    assert.match(md, /`npm run bench -- --only nexmark --peers spark`/)
    assert.match(
      md,
      /local\[1\], 1 partition \(same cores as Sluice, per core\): load average \(1\/5\/15 min\) 1.50/,
    )
    assert.match(
      md,
      /\| q0 \| local\[1\] \| 100 \| 400 \| 0.25x \| 80 \| 320 \| 0.25x \| 13K \| 3K \| 5 \(equal\) \|/,
    )
    assert.match(md, /loaded during this run \(1-minute load average up to 2\.\d on 2 cores\)/)
    const idle = { ...results, machine: { cores: 8, cpuModel: 'Test CPU' } } as unknown as ResultsFile
    assert.doesNotMatch(renderFairMarkdown(idle, 'f.json'), /loaded during this run/)
  })

  it('replaces only the text between the markers, and refuses a README without them', () => {
    const readme = `intro\n${BEGIN}\nold table\n${END}\nafter\n`
    assert.equal(replaceBlock(readme, 'new'), `intro\n${BEGIN}\nnew\n${END}\nafter\n`)
    assert.throws(() => replaceBlock('no markers', 'new'), /add the two markers/)
  })

  it('refuses a results file without a Spark comparison', () => {
    const without = { ...results, nexmark: {} } as unknown as ResultsFile
    assert.throws(() => renderFairMarkdown(without, 'f.json'), /no comparison with Spark/)
  })
})
