import assert from 'node:assert/strict'
import { createServer, type Server, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { LineSplitter } from '../../../../src/connectors/socket/line-splitter.ts'
import {
  parseSocketOptions,
  socketSourceProvider,
} from '../../../../src/connectors/socket/socket-source-provider.ts'
import { isNotifyingSource, type NotifyingSource, READ_ALL } from '../../../../src/connectors/spi.ts'
import { isSluiceError } from '../../../../src/errors.ts'
import { ManualClock } from '../../../../src/io/clock.ts'
import { sourceContract } from '../../../contract/source-contract.ts'
import { sourceContext } from '../fake-context.ts'

/** A local TCP server that remembers its clients. */
class LineServer {
  readonly clients: Socket[] = []
  private readonly server: Server
  private waiters: (() => void)[] = []

  constructor() {
    this.server = createServer((c) => {
      this.clients.push(c)
      for (const w of this.waiters.splice(0)) w()
    })
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    const address = this.server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    return address.port
  }

  /** Resolves once `n` clients have connected. */
  async clientCount(n: number): Promise<void> {
    while (this.clients.length < n) await new Promise<void>((r) => this.waiters.push(r))
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** Waits, on the source's notifications (no timers), until it has read line `offset`. */
async function waitForOffset(source: NotifyingSource, offset: number): Promise<void> {
  for (;;) {
    let wake: () => void = () => {}
    const woken = new Promise<void>((r) => {
      wake = r
    })
    const off = source.onNewData(() => wake())
    const latest = (await source.latestOffset(-1, READ_ALL)) as number
    if (latest >= offset) return off()
    await woken
    off()
  }
}

async function openSource(options: Record<string, string>, clock = new ManualClock(0)) {
  const server = new LineServer()
  const port = await server.listen()
  const ctx = sourceContext({ host: '127.0.0.1', port: String(port), ...options }, clock)
  const source = socketSourceProvider.createSource(ctx, socketSourceProvider.schema(ctx.options, undefined))
  assert.ok(isNotifyingSource(source))
  await server.clientCount(1)
  return { server, source, client: server.clients[0] }
}

sourceContract(
  'socket',
  async () => {
    const server = new LineServer()
    const port = await server.listen()
    const sources: NotifyingSource[] = []
    let sent = 0
    const options = { host: '127.0.0.1', port: String(port) }
    const schema = socketSourceProvider.schema(options, undefined)
    return {
      schema,
      create: () => {
        const s = socketSourceProvider.createSource(sourceContext(options), schema)
        sources.push(s as NotifyingSource)
        return s
      },
      produce: async () => {
        await server.clientCount(sources.length)
        for (const c of server.clients) c.write(`line ${sent}\nline ${sent + 1}\r\n`)
        sent += 2
        await Promise.all(sources.map((s) => waitForOffset(s, sent - 1)))
      },
      close: () => server.close(),
    }
  },
  // Not fault-tolerant, as in Spark: a new source opens a new connection and sees new lines only.
  { replayable: false },
)

describe('socket source', () => {
  it('reads lines with their arrival time when includeTimestamp is set', async () => {
    const clock = new ManualClock(5_000)
    const { server, source, client } = await openSource({ includeTimestamp: 'true' }, clock)
    try {
      client.write('hello\nwor')
      await waitForOffset(source, 0)
      clock.set(6_000)
      client.write('ld\n')
      await waitForOffset(source, 1)
      assert.deepEqual(await source.getBatch(-1, 1), [
        ['hello', 5_000],
        ['world', 6_000],
      ])
    } finally {
      await source.stop()
      await server.close()
    }
  })

  it('decodes UTF-8 split across packets and keeps a last line without newline', async () => {
    const { server, source, client } = await openSource({})
    try {
      const bytes = Buffer.from('żółw\n', 'utf8')
      client.write(bytes.subarray(0, 2))
      client.write(bytes.subarray(2))
      await waitForOffset(source, 0)
      client.end('tail')
      await waitForOffset(source, 1)
      assert.deepEqual(await source.getBatch(-1, 1), [['żółw'], ['tail']])
    } finally {
      await source.stop()
      await server.close()
    }
  })

  it('forgets committed lines and refuses to read them again', async () => {
    const { server, source, client } = await openSource({})
    try {
      client.write('a\nb\nc\n')
      await waitForOffset(source, 2)
      await source.commit(1)
      assert.deepEqual(await source.getBatch(1, 2), [['c']])
      await assert.rejects(source.getBatch(0, 2), (e: unknown) => isSluiceError(e, 'INTERNAL'))
    } finally {
      await source.stop()
      await server.close()
    }
  })

  it('orders rows partition by partition, as Spark reads its slices', async () => {
    const { server, source, client } = await openSource({ numPartitions: '2' })
    try {
      client.write('0\n1\n2\n3\n4\n')
      await waitForOffset(source, 4)
      assert.deepEqual(await source.getBatch(-1, 4), [['0'], ['2'], ['4'], ['1'], ['3']])
    } finally {
      await source.stop()
      await server.close()
    }
  })

  it('closes the connection on stop', async () => {
    const { server, source, client } = await openSource({})
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()))
    client.on('error', () => {})
    await source.stop()
    await closed
    await server.close()
  })

  it('fails latestOffset with the host and port when it cannot connect', async () => {
    const server = new LineServer()
    const port = await server.listen()
    await server.close()
    const options = { host: '127.0.0.1', port: String(port) }
    const source = socketSourceProvider.createSource(
      sourceContext(options),
      socketSourceProvider.schema(options, undefined),
    )
    await assert.rejects(
      source.latestOffset(-1, READ_ALL),
      (e: unknown) => isSluiceError(e, 'INVALID_OPTION') && String(e).includes(`127.0.0.1:${port}`),
    )
    await source.stop()
  })
})

describe('socket source options', () => {
  const invalid = (options: Record<string, string>, text: string) =>
    assert.throws(
      () => socketSourceProvider.validate(options),
      (e: unknown) => isSluiceError(e, 'INVALID_OPTION') && String(e).includes(text),
    )

  it("requires host and port, with Spark's messages", () => {
    invalid({ port: '9999' }, 'Set a host to read from with option("host", ...).')
    invalid({ host: 'localhost' }, 'Set a port to read from with option("port", ...).')
  })

  it('checks port, includeTimestamp and numPartitions', () => {
    invalid({ host: 'h', port: 'http' }, "Invalid value 'http' for option 'port'")
    invalid({ host: 'h', port: '70000' }, 'TCP port')
    invalid(
      { host: 'h', port: '1', includeTimestamp: 'yes' },
      'includeTimestamp must be set to either "true" or "false"',
    )
    invalid({ host: 'h', port: '1', numPartitions: '0' }, 'positive')
    invalid({ host: 'h', port: '1', hots: 'x' }, "Unknown option 'hots'")
  })

  it('adds a timestamp column with includeTimestamp, as Spark does', () => {
    const names = (o: Record<string, string>) =>
      socketSourceProvider.schema(o, undefined).fields.map((f) => `${f.name}:${f.type.kind}:${f.nullable}`)
    assert.deepEqual(names({ host: 'h', port: '1' }), ['value:string:true'])
    assert.deepEqual(names({ host: 'h', port: '1', includeTimestamp: 'TRUE' }), [
      'value:string:true',
      'timestamp:timestamp:true',
    ])
    assert.equal(parseSocketOptions({ host: 'h', port: '1' }).numPartitions, 1)
  })
})

describe('LineSplitter', () => {
  it('ends lines at \\n, \\r and \\r\\n as Java readLine does, even across chunks', () => {
    const s = new LineSplitter()
    assert.deepEqual(s.push('a\r'), ['a'])
    assert.deepEqual(s.push('\nb\rc\r\nd'), ['b', 'c'])
    assert.deepEqual(s.push('\n\n'), ['d', ''])
    assert.deepEqual(s.end(), [])
    assert.deepEqual(s.push('tail'), [])
    assert.deepEqual(s.end(), ['tail'])
  })
})
