/**
 * The web UI and the metrics endpoint, served by node:http from the process running the queries
 * (`sluice.ui.enabled`). No build step for users: the page, its script and uPlot are static files
 * shipped in the package (`dist/ui/static`, copied there by `npm run build`).
 *
 * Routes: `/` the page; `/static/*` its assets; `/api/info` the header's title; `/api/queries` the runs; `/api/queries/<runId>` one
 * run with its recent progress and plan; `/metrics` Prometheus text format (when there are
 * metrics: `sluice ui --checkpoint` serves finished queries' history from their checkpoints only).
 * Every route is read-only (GET and HEAD).
 */
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SluiceError } from '../errors.ts'
import type { QueryRun } from './query-history.ts'
import type { StreamingMetrics } from './streaming-metrics.ts'

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
}

/** Where a static asset lives: beside this file, or uPlot's in the installed `uplot` package. */
function assetPath(name: string): string | undefined {
  const here = join(dirname(fileURLToPath(import.meta.url)), 'static', name)
  if (existsSync(here)) return here
  if (name.startsWith('uPlot.')) {
    const uplot = dirname(createRequire(import.meta.url).resolve('uplot/package.json'))
    const p = join(uplot, 'dist', name)
    if (existsSync(p)) return p
  }
  return undefined
}

const ASSETS = new Set(['index.html', 'app.js', 'app.css', 'uPlot.iife.min.js', 'uPlot.min.css'])

/** The list view of a run: no progress history, the last batch's rates. */
function summary(r: QueryRun) {
  const last = r.progress.at(-1)
  return {
    id: r.id,
    runId: r.runId,
    name: r.name,
    status: r.status,
    started: r.started,
    batches: r.batches,
    lastBatchId: last?.batchId ?? null,
    inputRowsPerSecond: last?.inputRowsPerSecond ?? null,
    processedRowsPerSecond: last?.processedRowsPerSecond ?? null,
    lastError: r.lastError,
  }
}

/** Where the UI's runs come from: a session's queries (QueryHistory) or checkpoints (CheckpointHistory). */
export interface QueryRuns {
  /** Every run, newest first. */
  runs(): readonly QueryRun[] | Promise<readonly QueryRun[]>
  run(runId: string): QueryRun | undefined | Promise<QueryRun | undefined>
}

/** Where the server listens. */
export interface UiServerOptions {
  readonly host: string
  /** 0 picks a free port (see `address()` once `ready()` resolves). */
  readonly port: number
  /** Keep the process alive while the server listens (the `sluice ui` command); default false. */
  readonly keepAlive?: boolean
  /** What the page's header says it shows (default `Structured Streaming`). */
  readonly title?: string
}

/**
 * The UI server of one session. Started by the session when `sluice.ui.enabled` is true; it does
 * not keep the process alive on its own (the queries do).
 *
 * @example const url = await sluice.ui?.ready() // 'http://127.0.0.1:4040/'
 */
export class UiServer {
  private readonly server: Server
  private readonly listening: Promise<string>

  constructor(history: QueryRuns, metrics: StreamingMetrics | null, opts: UiServerOptions) {
    this.server = createServer((req, res) => {
      route(req, res, { history, metrics, title: opts.title ?? 'Structured Streaming' }).catch((e: unknown) =>
        send(res, 500, 'text/plain', e instanceof Error ? e.message : String(e)),
      )
    })
    this.listening = new Promise((resolve, reject) => {
      this.server.once('error', (e) =>
        reject(
          new SluiceError(
            'INVALID_OPTION',
            `The UI server could not listen on ${opts.host}:${opts.port} (${e.message}). Set 'sluice.ui.port' to a free port, or 0 for any.`,
            { cause: e },
          ),
        ),
      )
      this.server.listen(opts.port, opts.host, () => {
        const a = this.server.address()
        const port = typeof a === 'object' && a !== null ? a.port : opts.port
        const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host
        resolve(`http://${host}:${port}/`)
      })
    })
    this.listening.catch(() => undefined)
    if (opts.keepAlive !== true) this.server.unref()
  }

  /** The UI's address once the server listens; rejects if it cannot. @example await sluice.ui?.ready() */
  ready(): Promise<string> {
    return this.listening
  }

  /** Stops serving. @example await sluice.ui?.close() */
  async close(): Promise<void> {
    if (!this.server.listening) return
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  { history, metrics, title }: { history: QueryRuns; metrics: StreamingMetrics | null; title: string },
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  const name = path === '/' ? 'index.html' : path.startsWith('/static/') ? path.slice(8) : ''
  const file = ASSETS.has(name) ? assetPath(name) : undefined
  if (req.method !== 'GET' && req.method !== 'HEAD') send(res, 405, 'text/plain', 'GET only')
  else if (path === '/metrics' && metrics !== null) metrics.handler(req, res)
  else if (path === '/api/info') json(res, { title })
  else if (path === '/api/queries') json(res, (await history.runs()).map(summary))
  else if (path.startsWith('/api/queries/')) {
    const run = await history.run(decodeURIComponent(path.slice('/api/queries/'.length)))
    if (run === undefined) send(res, 404, 'text/plain', 'no such run')
    else json(res, run)
  } else if (file === undefined) send(res, 404, 'text/plain', 'not found')
  else send(res, 200, TYPES[name.split('.').at(-1) ?? ''] ?? 'application/octet-stream', readFileSync(file))
}

function json(res: ServerResponse, value: unknown): void {
  // Infinite rates (the first batch's input rate) become null, as JSON has no Infinity.
  send(res, 200, 'application/json', JSON.stringify(value))
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(body)
}
