#!/usr/bin/env node
/**
 * The `sluice` command. `sluice run app.ts` runs a user's queries with the web UI on;
 * `sluice checkpoint inspect|offsets <dir>` shows what a checkpoint holds; `sluice ui --checkpoint
 * <dir>...` serves the UI over finished queries' history kept in their checkpoints; `sluice nexmark generate`
 * writes Nexmark events to files or Kafka; `sluice kafka topics create|list|describe|delete`
 * administers Kafka topics; `sluice bench ...` runs the benchmark suite of a source checkout
 * (`npm run bench` there).
 *
 * @example sluice nexmark generate --events 1000000 --view bid --format parquet --out /data/bids
 */
import { spawn } from 'node:child_process'
import { existsSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, InvalidArgumentError } from 'commander'
import { nodeFileSystem } from '../io/fs.ts'
import { Sluice } from '../session.ts'
import { checkpointOffsets, formatSummary, inspectCheckpoint } from './checkpoint-inspect.ts'
import { serveHistoryUi } from './history-ui.ts'
import { addKafkaTopicsCommand } from './kafka-topics-command.ts'
import { generateNexmark } from './nexmark-generate.ts'
import { runApp } from './run-app.ts'

const whole = (name: string) => (raw: string) => {
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a positive whole number.`)
  return n
}

/** Collects repeated `--option key=value` flags. */
const keyValue = (raw: string, into: Record<string, string>) => {
  const i = raw.indexOf('=')
  if (i <= 0) throw new InvalidArgumentError(`expected key=value, got '${raw}'`)
  return { ...into, [raw.slice(0, i)]: raw.slice(i + 1) }
}

/**
 * The command line program (exported so tests run it in-process).
 *
 * @example await program().parseAsync(['node', 'sluice', 'nexmark', 'generate', '--events', '10', '--format', 'json', '--out', '/tmp/x'])
 */
export function program(print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Command {
  // exitOverride: errors reject parseAsync (commander has printed them) instead of exiting, for tests.
  const cli = new Command('sluice')
    .description('Stream processing for TypeScript on Node.js')
    .version('0.1.0')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  sluice run app.ts                              run app.ts's queries with the web UI on :4040
  sluice ui --checkpoint ckpt/clicks ckpt/bids   the UI over finished queries' kept progress
  sluice checkpoint inspect ckpt/clicks          batches, offsets, watermark, state of a checkpoint
  sluice nexmark generate --events 1000 --format json --out /tmp/bids`,
    )
  addRunAndCheckpoint(cli, print)
  const nexmark = cli.command('nexmark').description('the Nexmark benchmark generator (BENCH.md)')
  nexmark
    .command('generate')
    .description('write deterministic Nexmark events to files or a Kafka topic')
    .requiredOption('--events <n>', 'how many events', whole('--events'))
    .option('--view <view>', 'only one kind of event: bid, auction or person')
    .option('--rate <n>', 'first event rate, events per second of event time', whole('--rate'))
    .option('--generators <n>', 'generators the events are spread over', whole('--generators'))
    .option(
      '--out-of-order-group-size <n>',
      'events shuffled within groups of this size',
      whole('--out-of-order-group-size'),
    )
    .option('--format <format>', 'json, csv, parquet, text or kafka', 'json')
    .option('--out <dir>', 'the folder (file formats)')
    .option(
      '--option <key=value>',
      'a sink option, e.g. kafka.bootstrap.servers=localhost:9092 or topic=bids (repeatable)',
      keyValue,
      {},
    )
    .action(async (o) => {
      if (o.view !== undefined && !['bid', 'auction', 'person'].includes(o.view))
        throw new InvalidArgumentError(`--view must be bid, auction or person, not '${o.view}'.`)
      const sluice = Sluice.local({
        'sluice.sql.session.timeZone': 'UTC',
        'sluice.streaming.stopOnSignal': false,
      })
      const rows = await generateNexmark(sluice, { ...o, options: o.option })
      print(
        `wrote ${rows} ${o.view ?? 'event'} rows (${o.format}${o.out === undefined ? '' : ` to ${o.out}`})`,
      )
    })
  addKafkaTopicsCommand(cli, print)
  cli
    .command('bench')
    .description('run the benchmark suite of a Sluice source checkout (npm run bench)')
    .allowUnknownOption()
    .argument('[args...]', "'nexmark --queries q0,q5 --events N', or bench/run.ts's own flags (--only ...)")
    .action(async (args: string[]) => {
      const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'run.ts')
      if (!existsSync(script))
        throw new InvalidArgumentError(
          'sluice bench runs from a Sluice source checkout (bench/ is not in the npm package).',
        )
      const child = spawn(process.execPath, [script, ...benchArgs(args)], { stdio: 'inherit' })
      process.exitCode = await new Promise<number>((resolve) =>
        child.on('exit', (code) => resolve(code ?? 1)),
      )
    })
  return cli
}

const port = (raw: string) => {
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('--ui-port must be a whole number from 0 to 65535.')
  return n
}

/** `sluice run` and `sluice checkpoint inspect|offsets`. */
function addRunAndCheckpoint(cli: Command, print: (line: string) => void): void {
  cli
    .command('run')
    .description('run a module whose default export starts queries (gets the session), with the web UI on')
    .argument('<app>', 'the module, e.g. app.ts: export default async (sluice) => { ... }')
    .option('--no-ui', 'do not start the web UI')
    .option('--ui-host <host>', 'address the UI listens on', '127.0.0.1')
    .option('--ui-port <port>', 'UI port (0: any free port)', port, 4040)
    .option(
      '--log-level <level>',
      'JSON logs to stdout: fatal, error, warn, info, debug, trace or silent',
      'info',
    )
    .action(async (app: string, o) => {
      process.exitCode = await runApp(app, {
        ui: o.ui,
        host: o.uiHost,
        port: o.uiPort,
        logLevel: o.logLevel,
        print,
      })
    })
  cli
    .command('ui')
    .description(
      "serve the web UI, read only, over finished queries' history: the progress of the last batches their checkpoints keep",
    )
    .requiredOption('--checkpoint <dir...>', 'the checkpoint folders (a query’s checkpointLocation)')
    .option('--ui-host <host>', 'address the UI listens on', '127.0.0.1')
    .option('--ui-port <port>', 'UI port (0: any free port)', port, 4040)
    .action(async (o) => {
      await serveHistoryUi({ checkpoints: o.checkpoint, host: o.uiHost, port: o.uiPort, print })
    })
  const checkpoint = cli.command('checkpoint').description("what a query's checkpoint holds (read only)")
  checkpoint
    .command('inspect')
    .description('batches, offsets per source, watermark, state operators, late and dead-letter outputs')
    .argument('<dir>', 'the checkpoint folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o) => {
      const summary = await inspectCheckpoint(nodeFileSystem, dir)
      if (o.json) print(JSON.stringify(summary, null, 2))
      else for (const line of formatSummary(summary)) print(line)
    })
  checkpoint
    .command('offsets')
    .description('every batch in the offsets log: committed or not, its watermark, its end offset per source')
    .argument('<dir>', 'the checkpoint folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o) => {
      const batches = await checkpointOffsets(nodeFileSystem, dir)
      if (o.json) print(JSON.stringify(batches, null, 2))
      else
        for (const b of batches)
          print(
            `${b.batchId}\t${b.committed ? 'committed' : 'planned'}\t${b.batchTimestamp}\twatermark ${b.batchWatermark}\t${Object.entries(
              b.offsets,
            )
              .map(([id, off]) => `${id}=${off}`)
              .join(' ')}`,
          )
    })
}

// Run when executed (also through npm's bin symlink), not when imported.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  program()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      if (e instanceof CommanderError) process.exitCode = e.exitCode
      else {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`)
        process.exitCode = 1
      }
    })
}

/**
 * bench/run.ts's flags for `sluice bench` arguments: `nexmark [--queries q] [--events n] [--peers spark]`
 * becomes `--only nexmark --nexmark-queries q --nexmark-events n --peers spark`; anything else
 * passes through.
 *
 * @example benchArgs(['nexmark', '--queries', 'q0,q5', '--events', '100000'])
 */
export function benchArgs(args: readonly string[]): string[] {
  if (args[0] !== 'nexmark') return [...args]
  const rename: Readonly<Record<string, string>> = {
    '--queries': '--nexmark-queries',
    '--events': '--nexmark-events',
  }
  return ['--only', 'nexmark', ...args.slice(1).map((a) => rename[a] ?? a)]
}
