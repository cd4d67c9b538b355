import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { isSluiceError, ManualClock, Sluice, t } from '../../../src/index.ts'
import { nodeFileSystem } from '../../../src/io/fs.ts'
import type { StatefulOperatorDecl } from '../../../src/planner/incremental-plan.ts'
import { batchContext } from '../../../src/runtime/batch-context.ts'
import { QueryState } from '../../../src/runtime/query-state.ts'
import { stateStoreProviderFactory } from '../../../src/state/provider-registry.ts'
import { withTempDir } from '../../harness/temp-dir.ts'

const K = t.struct({ k: t.string() })
const V = t.struct({ v: t.long() })

/** An operator declaring two stores, one ordered by its key's second component. */
const OPERATOR: StatefulOperatorDecl = {
  operatorId: 0,
  kind: 'test',
  operatorName: 'test',
  stores: [
    { storeName: 'default', keySchema: K, valueSchema: V, ordering: { kind: 'none' } },
    {
      storeName: 'timers',
      keySchema: K,
      valueSchema: V,
      ordering: { kind: 'eventTime', keyOrdinal: 1, isWindow: false },
    },
  ],
  partitioning: { kind: 'hash', keys: ['k'], numPartitions: 4 },
  watermarkDriven: true,
  lateInputs: [],
}

function queryState(dir: string, providerClass?: string) {
  return new QueryState([OPERATOR], {
    checkpoint: dir,
    fs: nodeFileSystem,
    clock: new ManualClock(0),
    numPartitions: 4,
    minBatchesToRetain: 10,
    maintenanceIntervalMs: 60_000,
    ...(providerClass === undefined ? {} : { providerClass }),
  })
}

describe('QueryState', () => {
  it('opens every named store of only the partitions asked for, each in its own folder', () =>
    withTempDir(async (dir) => {
      const state = queryState(dir)
      await state.init()
      const stores = await state.open(0, [1, 3])
      assert.deepEqual([...(stores.get(0)?.keys() ?? [])], ['default', 'timers'])
      assert.deepEqual([...(stores.get(0)?.get('timers')?.keys() ?? [])], [1, 3])
      stores.get(0)?.get('timers')?.get(3)?.put(['x', 500], 1)
      await state.commit(stores)
      assert.deepEqual((await readdir(join(dir, 'state', '0'))).sort(), ['1', '3', '_metadata'])
      assert.deepEqual((await readdir(join(dir, 'state', '0', '3'))).sort(), ['1.delta', 'timers'])
      const again = await state.open(1, [3])
      const timers = again.get(0)?.get('timers')?.get(3)
      assert.deepEqual(
        [...(timers?.rangeScan(0, 1000) ?? [])].map((e) => e.key),
        [['x', 500]],
      )
      state.abort(again)
      await state.close()
    }))

  it("hands an operator only its partition's stores through a frozen partition context", () =>
    withTempDir(async (dir) => {
      const state = queryState(
        dir,
        'org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider',
      )
      await state.init()
      const stores = await state.open(0, [2])
      const b = batchContext({
        batchId: 0,
        batchTimestampMs: 7,
        watermarkForLateEventsMs: 1,
        watermarkForEvictionMs: 2,
        stores,
        partitions: [2],
        input: new Map(),
      })
      const pc = b.context.partition(0, 2)
      assert.ok(Object.isFrozen(pc))
      assert.equal(pc.batchTimestampMs, 7)
      assert.equal(pc.store('timers'), stores.get(0)?.get('timers')?.get(2))
      assert.throws(
        () => b.context.partition(0, 1).store(),
        (e) => isSluiceError(e) && e.code === 'INTERNAL',
      )
      state.abort(stores)
      await state.close()
    }))

  it('refuses an unknown provider class, naming the setting and the known providers', () => {
    const unknown = (e: unknown) =>
      isSluiceError(e) &&
      e.code === 'INVALID_ARGUMENT' &&
      /providerClass.*Known providers: memory/.test(e.message)
    assert.throws(() => stateStoreProviderFactory('rocksdb'), unknown)
    assert.throws(() => Sluice.local({ 'sluice.sql.streaming.stateStore.providerClass': 'rocksdb' }), unknown)
    assert.throws(() => stateStoreProviderFactory('toString'), unknown)
  })
})
