/**
 * The checkpoint-damage matrix of docs/reliability.md: every checkpoint file kind, emptied,
 * truncated, with one byte changed, or deleted, then one restart. Each case must give exactly the
 * documented outcome: CHECKPOINT_CORRUPT naming the damaged file (or, for a deleted one, what is
 * missing), or the exact output of an undamaged restart.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { withTempDir } from '../harness/temp-dir.ts'
import { basePipelines, DAMAGES, type Damage, FILE_KINDS, runCase } from './fault-matrix.ts'

/** What a case must give: an error code with text its message holds, or 'exact' output. */
type Expected = { code: string; says: string } | 'exact' | { exact: true; note: string }

const CORRUPT = (says: string): Expected => ({ code: 'CHECKPOINT_CORRUPT', says })
const DAMAGED = {
  emptied: 'the file is empty',
  truncated: 'truncated',
  'byte changed': 'does not match its checksum',
}

/** The matrix, by file kind then damage (docs/reliability.md shows the same table). */
const EXPECTED: Readonly<Record<string, Readonly<Record<Damage, Expected>>>> = {
  metadata: { ...damaged('metadata'), deleted: CORRUPT('metadata is missing beside offsets/2') },
  'offsets/2 (latest)': {
    ...damaged('offsets/2'),
    deleted: CORRUPT('commits/2 exists but offsets/2 does not'),
  },
  'commits/2 (latest)': { ...damaged('commits/2'), deleted: 'exact' },
  'sources/<id>/2 (file source log)': {
    ...damaged('sources/json-0/2'),
    deleted: CORRUPT('name file source log entry 2'),
  },
  '_sluice_metadata/2 (file sink log)': {
    ...damaged('_sluice_metadata/2'),
    deleted: CORRUPT('but the file sink log has no entry for it'),
  },
  'dead-letter/<name>/2 (side output)': {
    emptied: { exact: true, note: 'reading the dead letters fails: [CHECKPOINT_CORRUPT]' },
    truncated: { exact: true, note: 'reading the dead letters fails: [CHECKPOINT_CORRUPT]' },
    'byte changed': { exact: true, note: 'reading the dead letters fails: [CHECKPOINT_CORRUPT]' },
    deleted: {
      exact: true,
      note: 'dead-letter/bad/2 is corrupt: it is missing, but commits/2 records that batch 2 wrote',
    },
  },
  'state/<op>/<part>/<v>.delta (latest)': {
    emptied: CORRUPT('is corrupt: the file is empty'),
    // Cut in half: since format v3 the cut falls in the body (before, within the checksum line).
    truncated: CORRUPT('does not match its checksum'),
    'byte changed': CORRUPT('does not match its checksum'),
    deleted: CORRUPT('is missing: it is needed to load state version 3'),
  },
  'state/<op>/_metadata': {
    emptied: CORRUPT('state/0/_metadata is corrupt'),
    truncated: CORRUPT('state/0/_metadata is corrupt'),
    'byte changed': CORRUPT('state/0/_metadata is corrupt: its content does not match its checksum'),
    deleted: 'exact',
  },
}

function damaged(file: string): Record<Exclude<Damage, 'deleted'>, Expected> {
  return {
    emptied: CORRUPT(`${file} is corrupt: ${DAMAGED.emptied}`),
    truncated: CORRUPT(`${file} is corrupt: the file is ${DAMAGED.truncated}`),
    'byte changed': CORRUPT(`${file} is corrupt: its content ${DAMAGED['byte changed']}`),
  }
}

describe('checkpoint damage matrix', () => {
  it('gives the documented outcome for every file kind and damage', () =>
    withTempDir(async (dir) => {
      const base = await basePipelines(dir)
      // The reference: an undamaged copy restarts with the exact output.
      for (const kind of [FILE_KINDS[0], FILE_KINDS[6]]) {
        const outcome = await runCase(base[kind.pipeline], join(dir, kind.pipeline), kind, 'none')
        assert.deepEqual([outcome.result, outcome.exactOutput], ['ran', true], outcome.detail)
      }
      let n = 0
      for (const kind of FILE_KINDS) {
        for (const how of DAMAGES) {
          const outcome = await runCase(base[kind.pipeline], join(dir, `case-${n++}`), kind, how)
          const expected = EXPECTED[kind.name][how]
          const where = `${kind.name}, ${how}: ${outcome.result} ${outcome.detail}`
          if (expected === 'exact' || 'exact' in expected) {
            assert.equal(outcome.result, 'ran', where)
            assert.ok(outcome.exactOutput, where)
            if (expected !== 'exact') assert.ok(outcome.detail.includes(expected.note), where)
          } else {
            assert.equal(outcome.result, expected.code, where)
            assert.ok(outcome.detail.includes(expected.says), where)
          }
        }
      }
      assert.equal(n, Object.keys(EXPECTED).length * DAMAGES.length)
    }))
})
