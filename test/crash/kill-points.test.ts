/**
 * SIGKILL at every point of a batch's life (shared/DESIGN.md §3), with real processes: a child runs
 * a rate-micro-batch query into an exactly-once foreachBatch sink, pauses at the chosen point of
 * batch N and is killed there; the next child restarts from the same checkpoint. Each test chains
 * ROUNDS crashes on one checkpoint (some of them while a crashed batch is being rerun), then lets a
 * last run go past the last crash, stops it gracefully, and checks that the output holds every row
 * exactly once and that offsets/ and commits/ agree.
 *
 * The same crashes run as a matrix over the query: stateless, and a running count by key (update
 * mode, crash-checks.ts `statefulRows`) on each state store provider — with LMDB, the local folder
 * is also lost before every other restart, so state is rebuilt from the checkpoint mid-chain.
 */
import assert from 'node:assert/strict'
import { access, mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { HarnessChild } from '../harness/child-process.ts'
import { assertExactlyOnce, assertLogs } from '../harness/crash-checks.ts'
import {
  CrashChildren,
  removeLockOfDeadChild,
  stopPausedChild,
  untilMessage,
} from '../harness/crash-children.ts'
import type { CrashPoint } from '../harness/crash-protocol.ts'

const ROWS = 5

/** One query the crashes run against. */
interface Variant {
  readonly name: string
  /** The state store provider of the stateful query; none: the stateless one. */
  readonly provider?: string
  /** Delete the LMDB local folders before every other restart. */
  readonly loseLocal?: boolean
  readonly rounds: number
}

const VARIANTS: readonly Variant[] = [
  { name: 'stateless', rounds: 10 },
  { name: 'running count, memory state store', provider: 'memory', rounds: 4 },
  {
    name: 'running count, LMDB state store, local folder lost',
    provider: 'lmdb',
    loseLocal: true,
    rounds: 4,
  },
]

/** What is on disk once the child is killed at a point of batch N. */
interface Outcome {
  /** commits/N exists. */
  readonly committed: boolean
  /** The sink's batch-N.json exists. */
  readonly written: boolean
  /** Where the interrupted write leaves its temp file. */
  readonly temp?: 'offsets' | 'commits' | 'sink'
}

const OUTCOMES: Readonly<Record<CrashPoint, Outcome>> = {
  'offsets-written': { committed: false, written: false, temp: 'offsets' },
  'sink-start': { committed: false, written: false },
  'sink-temp-written': { committed: false, written: false, temp: 'sink' },
  'sink-renamed': { committed: false, written: true },
  'commit-linking': { committed: false, written: true, temp: 'commits' },
  'commit-linked': { committed: true, written: true, temp: 'commits' },
}

/** The first batch a restarted child hands to its sink, and what the sink does with it. */
interface FirstBatch {
  readonly batchId: number
  readonly action: 'write' | 'skip'
  /** A rerun of a logged batch (no offsets file is written for it). */
  readonly rerun: boolean
}

function restartAfter(point: CrashPoint, batchId: number): FirstBatch {
  const { committed, written } = OUTCOMES[point]
  if (committed) return { batchId: batchId + 1, action: 'write', rerun: false }
  return { batchId, action: written ? 'skip' : 'write', rerun: true }
}

/** Whether the first batch of a run passes `point` (a skipped rerun never writes a temp file). */
function reaches(point: CrashPoint, first: FirstBatch): boolean {
  if (point === 'offsets-written') return !first.rerun
  if (point === 'sink-temp-written' || point === 'sink-renamed') return first.action === 'write'
  return true
}

/** What the sink reported for every batch the child handed it, in order. */
function sinkReports(child: HarnessChild): { batchId: number; action: string }[] {
  const reports: { batchId: number; action: string }[] = []
  child.process.on('message', (m: { type: string; batchId: number; action: string }) => {
    if (m.type === 'batch') reports.push({ batchId: m.batchId, action: m.action })
  })
  return reports
}

/** The sink reports a batch before it writes anything, so a pause at these comes before the report. */
const BEFORE_REPORT: readonly CrashPoint[] = ['offsets-written', 'sink-start']

function expectedReports(point: CrashPoint, first: FirstBatch, target: number) {
  const last = BEFORE_REPORT.includes(point) ? target - 1 : target
  return Array.from({ length: last - first.batchId + 1 }, (_, i) => ({
    batchId: first.batchId + i,
    action: i === 0 ? first.action : 'write',
  }))
}

async function tempNames(dir: string, where: NonNullable<Outcome['temp']>): Promise<string[]> {
  const names = await readdir(where === 'sink' ? join(dir, 'out') : join(dir, 'ckpt', where)).catch(() => [])
  return names.filter((n) => n.startsWith('.tmp-'))
}

for (const variant of VARIANTS) describeCrashes(variant)

function describeCrashes(variant: Variant): void {
  describe(`crash at every point of a batch (${variant.name})`, () => {
    const children = new CrashChildren()
    after(() => children.killAll())
    const stateful = variant.provider !== undefined
    const state = (dir: string) =>
      variant.provider === undefined
        ? {}
        : { state: { provider: variant.provider, lmdbLocalDir: join(dir, 'lmdb-local') } }

    /** Kills one child at `point` of batch `target` and checks what it left on disk. */
    async function crashOnce(
      dir: string,
      point: CrashPoint,
      first: FirstBatch,
      target: number,
    ): Promise<void> {
      const checkpoint = join(dir, 'ckpt')
      const outcome = OUTCOMES[point]
      const tempsBefore = outcome.temp === undefined ? [] : await tempNames(dir, outcome.temp)
      const child = children.start({
        checkpoint,
        outDir: join(dir, 'out'),
        rowsPerBatch: ROWS,
        pauseAt: { point, batchId: target },
        ...state(dir),
      })
      const reports = sinkReports(child)
      // No 'started' to wait for: start() reruns an uncommitted batch, so it may be paused inside it.
      const paused = await untilMessage(child, 'paused')
      assert.equal(paused.missed, false, `batch ${target} committed without passing '${point}'`)
      await children.kill(child)

      const label = `killed at '${point}' of batch ${target}`
      // Messages sent before 'paused' have all arrived: the channel keeps their order.
      assert.deepEqual(reports, expectedReports(point, first, target), `${label}: what the sink did`)
      const lastCommit = outcome.committed ? target : target - 1
      await assertLogs(checkpoint, { lastOffsets: target, lastCommit, rowsPerBatch: ROWS, allowTemps: true })
      assert.equal(
        await assertExactlyOnce(join(dir, 'out'), ROWS, stateful),
        outcome.written ? target + 1 : target,
        label,
      )
      if (outcome.temp !== undefined) {
        const prefix = outcome.temp === 'sink' ? `.tmp-batch-${target}-` : `.tmp-${target}-`
        const added = (await tempNames(dir, outcome.temp)).filter((n) => !tempsBefore.includes(n))
        assert.equal(added.length, 1, `${label}: one new temp file in ${outcome.temp}`)
        assert.ok(added[0].startsWith(prefix), `${label}: ${added[0]}`)
      }
      await removeLockOfDeadChild(checkpoint, child.process.pid!)
    }

    /** A last run past the crash, stopped gracefully in its third batch; then all output and both logs. */
    async function finish(dir: string, first: FirstBatch): Promise<void> {
      const checkpoint = join(dir, 'ckpt')
      const last = first.batchId + 2
      const pauseAt = { point: 'sink-start', batchId: last } as const
      const child = children.start({
        checkpoint,
        outDir: join(dir, 'out'),
        rowsPerBatch: ROWS,
        pauseAt,
        ...state(dir),
      })
      const reports = sinkReports(child)
      assert.equal((await untilMessage(child, 'paused')).missed, false)
      await child.next('started')
      await stopPausedChild(child)
      assert.deepEqual(reports, expectedReports('sink-renamed', first, last), 'what the sink did')

      assert.equal(await assertExactlyOnce(join(dir, 'out'), ROWS, stateful), last + 1)
      await assertLogs(checkpoint, {
        lastOffsets: last,
        lastCommit: last,
        rowsPerBatch: ROWS,
        allowTemps: true,
      })
      await assert.rejects(access(join(checkpoint, 'lock')), { code: 'ENOENT' })
    }

    async function crashRounds(dir: string, points: readonly CrashPoint[]): Promise<void> {
      await mkdir(join(dir, 'out'))
      let first: FirstBatch = { batchId: 0, action: 'write', rerun: false }
      for (let round = 0; round < variant.rounds; round++) {
        const point = points[round % points.length]
        if (variant.loseLocal && round % 2 === 1)
          await rm(join(dir, 'lmdb-local'), { recursive: true, force: true })
        // Sometimes the very batch being rerun (a crash during recovery), sometimes a later one.
        let target = first.batchId + (round % 3)
        if (target === first.batchId && !reaches(point, first)) target++
        await crashOnce(dir, point, first, target)
        first = restartAfter(point, target)
      }
      await finish(dir, first)
    }

    const crashTest = (points: readonly CrashPoint[]) => () =>
      children.withTempDir((dir) => crashRounds(dir, points))

    it(
      'loses and duplicates nothing when killed right after offsets/N is written, before the sink',
      crashTest(['offsets-written', 'sink-start']),
    )

    it(
      'loses and duplicates nothing when killed inside the sink, before its batch file is renamed into place',
      crashTest(['sink-temp-written']),
    )

    it(
      'loses and duplicates nothing when killed after the sink wrote batch N but before commits/N',
      crashTest(['sink-renamed']),
    )

    it(
      'loses and duplicates nothing when killed while commits/N is being written',
      crashTest(['commit-linking', 'commit-linked']),
    )
  })
}
