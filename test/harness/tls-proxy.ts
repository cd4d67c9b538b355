/**
 * A TLS-terminating proxy for tests: it accepts TLS (with ALPN `h2`, as gRPC needs) on a local port
 * with a certificate made for the test, and forwards the decrypted bytes to a plaintext server
 * (the local Spark Connect server, which speaks HTTP/2 without TLS). This is how TLS reaches a
 * Spark Connect server in production too (an ingress or sidecar in front of it). The certificate
 * authority and the server certificate are made by the `openssl` command line.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createConnection, type Socket } from 'node:net'
import { join } from 'node:path'
import { createServer, type TLSSocket } from 'node:tls'

export interface TestCertificates {
  /** The private CA's certificate (PEM): what a client must trust. */
  readonly ca: Buffer
  /** The server's key and certificate (PEM), signed by that CA, for `localhost` and 127.0.0.1. */
  readonly key: Buffer
  readonly cert: Buffer
}

/**
 * A private CA and a server certificate signed by it, written under `dir`.
 * @example const certs = makeCertificates(dir)
 */
export function makeCertificates(dir: string): TestCertificates {
  const f = (name: string) => join(dir, name)
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=Sluice test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  )
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
  )
  const ext = f('server.ext')
  execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > '${ext}'`])
  openssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    f('server.pem'),
  )
  return {
    ca: readFileSync(f('ca.pem')),
    key: readFileSync(f('server.key')),
    cert: readFileSync(f('server.pem')),
  }
}

export interface TlsProxy {
  readonly port: number
  /** TLS connections completed so far (handshakes that succeeded). */
  readonly handshakes: () => number
  close(): Promise<void>
}

/** @example const proxy = await tlsProxy(15002, makeCertificates(dir)) */
export async function tlsProxy(targetPort: number, certs: TestCertificates): Promise<TlsProxy> {
  let handshakes = 0
  const sockets = new Set<Socket>()
  const track = (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => {})
  }
  const server = createServer(
    { key: certs.key, cert: certs.cert, ALPNProtocols: ['h2'] },
    (client: TLSSocket) => {
      handshakes++
      const upstream = createConnection({ port: targetPort, host: '127.0.0.1' })
      track(client)
      track(upstream)
      client.pipe(upstream)
      upstream.pipe(client)
    },
  )
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('proxy has no port')
  return {
    port: address.port,
    handshakes: () => handshakes,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
