/** Spark Connect URLs: host, port, token (redacted in messages), TLS default, user id. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isSluiceError } from '../../../src/index.ts'
import { parseConnectionString } from '../../../src/remote/connection-string.ts'

describe('parseConnectionString', () => {
  it('reads host and port, defaulting the port to 15002 and TLS to off without a token', () => {
    assert.deepEqual(
      { ...parseConnectionString('sc://spark.example.com') },
      {
        host: 'spark.example.com',
        port: 15002,
        token: undefined,
        useSsl: false,
        sslExplicit: false,
        userId: 'sluice',
        sessionId: undefined,
        redacted: 'sc://spark.example.com',
      },
    )
  })
  it('turns TLS on with a token, unless use_ssl says otherwise, and redacts the token', () => {
    const spec = parseConnectionString('sc://h:443/;token=s3cret;user_id=ann')
    assert.equal(spec.port, 443)
    assert.equal(spec.token, 's3cret')
    assert.equal(spec.useSsl, true)
    assert.equal(spec.userId, 'ann')
    assert.equal(spec.redacted, 'sc://h:443/;token=***;user_id=ann')
    assert.equal(parseConnectionString('sc://h/;token=x;use_ssl=false').useSsl, false)
    assert.equal(parseConnectionString('sc://h/;token=x;use_ssl=false').sslExplicit, true)
  })
  it('refuses other schemes and malformed parameters without echoing the token', () => {
    assert.throws(
      () => parseConnectionString('http://h:15002/;token=s3cret'),
      (e: unknown) => isSluiceError(e, 'INVALID_ARGUMENT') && !String(e).includes('s3cret'),
    )
    assert.throws(
      () => parseConnectionString('sc://h/;token'),
      (e: unknown) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
    assert.throws(
      () => parseConnectionString('sc://h:99999'),
      (e: unknown) => isSluiceError(e, 'INVALID_ARGUMENT'),
    )
  })
})
