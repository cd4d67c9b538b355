import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  batchIdOfFile,
  commitsPath,
  lockPath,
  metadataPath,
  offsetsPath,
  sourceDir,
  stateMetadataPath,
  statePartitionDir,
} from '../../../src/checkpoint/layout.ts'
import { isSluiceError } from '../../../src/errors.ts'

describe('checkpoint layout', () => {
  it('places every file where DESIGN §3 says', () => {
    assert.equal(metadataPath('/c'), '/c/metadata')
    assert.equal(offsetsPath('/c', 12), '/c/offsets/12')
    assert.equal(commitsPath('/c', 0), '/c/commits/0')
    assert.equal(sourceDir('/c', 'files-0'), '/c/sources/files-0')
    assert.equal(statePartitionDir('/c', 2, 7), '/c/state/2/7')
    assert.equal(stateMetadataPath('/c', 2), '/c/state/2/_metadata')
    assert.equal(lockPath('/c'), '/c/lock')
  })

  it('refuses ids that would escape or confuse the layout', () => {
    for (const bad of ['', '..', '.', 'a/b', '.tmp-x', 'a b']) {
      assert.throws(
        () => sourceDir('/c', bad),
        (e) => isSluiceError(e, 'INVALID_ARGUMENT') && e.message.includes('source id'),
      )
    }
    assert.throws(
      () => offsetsPath('/c', -1),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
    assert.throws(
      () => statePartitionDir('/c', 0, 1.5),
      (e) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
  })

  it('reads batch ids only from plain decimal file names', () => {
    assert.equal(batchIdOfFile('0'), 0)
    assert.equal(batchIdOfFile('123'), 123)
    for (const name of ['007', '-1', '+1', '1.0', '.tmp-1-abc', 'lock', '99999999999999999999']) {
      assert.equal(batchIdOfFile(name), undefined, name)
    }
  })
})
