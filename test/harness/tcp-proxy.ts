/**
 * A TCP proxy for tests that cuts connections: `dropAfterBytes` closes the first connection once
 * that many bytes have come back from the server, as a network failure would mid-stream. Later
 * connections pass everything.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net'

export interface TcpProxy {
  readonly port: number
  /** Connections cut so far. */
  readonly drops: () => number
  close(): Promise<void>
}

/** @example const proxy = await tcpProxy(15002, { dropAfterBytes: 1 << 20 }) */
export async function tcpProxy(targetPort: number, opts: { dropAfterBytes: number }): Promise<TcpProxy> {
  let connections = 0
  let drops = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const cut = connections++ === 0
    const upstream = createConnection({ port: targetPort, host: '127.0.0.1' })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    let back = 0
    client.pipe(upstream)
    upstream.on('data', (chunk: Buffer) => {
      back += chunk.length
      if (cut && back > opts.dropAfterBytes) {
        drops++
        client.destroy()
        upstream.destroy()
        return
      }
      client.write(chunk)
    })
    upstream.on('end', () => client.end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('proxy has no port')
  return {
    port: address.port,
    drops: () => drops,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
