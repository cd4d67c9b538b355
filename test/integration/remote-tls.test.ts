/**
 * Sluice.remote over TLS, against the real local Spark Connect server behind a TLS-terminating
 * proxy (test/harness/tls-proxy.ts) whose certificate a private CA signed: the CA given in `tls`
 * connects (also with a token, which implies TLS) and runs queries; without it the handshake fails
 * with a SluiceError that says what to do and shows no token; a plaintext client refused by the
 * TLS port and contradictory options fail clearly too.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { col, isSluiceError, Sluice } from '../../src/index.ts'
import { sparkConnect } from '../harness/spark-connect.ts'
import { makeCertificates, type TestCertificates, type TlsProxy, tlsProxy } from '../harness/tls-proxy.ts'

let skip: string | undefined
let proxy: TlsProxy | undefined
let certs: TestCertificates
let cleanup: () => Promise<void> = async () => {}

before(async () => {
  const server = await sparkConnect()
  if ('skip' in server) {
    skip = server.skip
    return
  }
  const port = Number(/:(\d+)/.exec(server.url.replace(/^sc:\/\//, ''))?.[1] ?? 15002)
  const dir = await mkdtemp(join(tmpdir(), 'sluice-tls-'))
  cleanup = () => rm(dir, { recursive: true, force: true })
  certs = makeCertificates(dir)
  proxy = await tlsProxy(port, certs)
})
after(async () => {
  await proxy?.close()
  await cleanup()
})

const quiet = { 'sluice.sql.session.timeZone': 'UTC', output: () => {} } as const

describe('Sluice.remote over TLS', () => {
  it('connects with the private CA given in tls and runs a query over TLS', async (tc) => {
    if (skip || proxy === undefined) return tc.skip(skip)
    const before = proxy.handshakes()
    const spark = Sluice.remote(`sc://localhost:${proxy.port}/;use_ssl=true`, {
      ...quiet,
      tls: { ca: certs.ca },
    })
    try {
      const rows = await spark.range(10).filter(col('id').mod(3).eq(0)).collect()
      assert.deepEqual(
        rows.map((r) => r.id),
        [0, 3, 6, 9],
      )
    } finally {
      spark.close()
    }
    assert.ok(proxy.handshakes() > before, 'the query went through a TLS handshake')
  })

  it('turns TLS on from the tls option alone, and with a token in the URL', async (tc) => {
    if (skip || proxy === undefined) return tc.skip(skip)
    for (const url of [`sc://localhost:${proxy.port}`, `sc://localhost:${proxy.port}/;token=s3cret-token`]) {
      const spark = Sluice.remote(url, { ...quiet, tls: { ca: certs.ca.toString('utf8') } })
      try {
        assert.equal(await spark.range(5).count(), 5)
      } finally {
        spark.close()
      }
    }
  })

  it('fails the handshake without the CA, saying how to give it, with the token redacted', async (tc) => {
    if (skip || proxy === undefined) return tc.skip(skip)
    const spark = Sluice.remote(`sc://localhost:${proxy.port}/;token=s3cret-token`, quiet)
    try {
      await assert.rejects(
        async () => spark.range(1).count(),
        (e: unknown) => {
          assert.ok(isSluiceError(e), String(e))
          assert.equal(e.code, 'SOURCE_UNAVAILABLE')
          assert.match(e.message, /TLS connection .* failed/)
          assert.match(e.message, /tls: \{ ca/)
          assert.match(e.message, /token=\*\*\*/)
          assert.doesNotMatch(e.message, /s3cret/)
          return true
        },
      )
    } finally {
      spark.close()
    }
  })

  it('refuses use_ssl=false beside tls options, and a certificate without its key', () => {
    assert.throws(
      () => Sluice.remote('sc://localhost:1/;use_ssl=false', { tls: { ca: 'x' } }),
      (e: unknown) => isSluiceError(e) && e.code === 'INVALID_ARGUMENT' && /use_ssl=false/.test(e.message),
    )
    assert.throws(
      () => Sluice.remote('sc://localhost:1', { tls: { cert: 'x' } }),
      (e: unknown) =>
        isSluiceError(e) && e.code === 'INVALID_ARGUMENT' && /cert and key together/.test(e.message),
    )
  })
})
