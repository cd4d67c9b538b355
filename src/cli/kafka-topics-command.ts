/**
 * `sluice kafka topics create|list|describe|delete`: Kafka topic administration, with the flags of
 * Kafka's own kafka-topics.sh (`--bootstrap-server`, `--partitions`, `--replication-factor`,
 * `--config key=value`, `--if-not-exists`, `--if-exists`).
 *
 * @example sluice kafka topics create bids --bootstrap-server localhost:9092 --partitions 3 --config retention.ms=86400000
 */
import { Admin } from '@platformatic/kafka'
import { type Command, InvalidArgumentError } from 'commander'
import { checkKafkaKeys, kafkaConnectionOptions, kafkaParamsOf } from '../connectors/kafka/kafka-client.ts'
import {
  createKafkaTopics,
  deleteKafkaTopics,
  describeKafkaTopics,
  listKafkaTopics,
} from '../connectors/kafka/kafka-topic-admin.ts'

const whole = (name: string) => (raw: string) => {
  const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a whole number >= 1.`)
  return n
}

const keyValue = (raw: string, into: Record<string, string>) => {
  const i = raw.indexOf('=')
  if (i <= 0) throw new InvalidArgumentError(`expected key=value, got '${raw}'`)
  return { ...into, [raw.slice(0, i)]: raw.slice(i + 1) }
}

interface ConnectionFlags {
  readonly bootstrapServer: string
  readonly option: Record<string, string>
}

/** Runs `fn` with an Admin client for the flags' cluster, closing it after. */
async function withAdmin<T>(o: ConnectionFlags, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const other = Object.keys(o.option).find((k) => !k.toLowerCase().startsWith('kafka.'))
  if (other !== undefined)
    throw new InvalidArgumentError(
      `--option ${other}: connection settings start with kafka., e.g. kafka.security.protocol=SSL`,
    )
  const params = { ...kafkaParamsOf(o.option), 'bootstrap.servers': o.bootstrapServer }
  checkKafkaKeys(params, [], 'sluice kafka topics command')
  const admin = new Admin({ ...kafkaConnectionOptions(params, 'sluice-cli'), retries: 2 })
  try {
    return await fn(admin)
  } finally {
    await admin.close()
  }
}

function connectionFlags(cmd: Command): Command {
  return cmd
    .requiredOption('--bootstrap-server <servers>', 'comma-separated host:port of the Kafka brokers')
    .option(
      '--option <key=value>',
      'a connection setting as the Kafka source takes it, e.g. kafka.security.protocol=SSL (repeatable)',
      keyValue,
      {},
    )
}

/**
 * Adds `kafka topics ...` to the `sluice` program; lines of output go to `print`.
 *
 * @example addKafkaTopicsCommand(new Command('sluice'), console.log)
 */
export function addKafkaTopicsCommand(cli: Command, print: (line: string) => void): void {
  const topics = cli
    .command('kafka')
    .description('Kafka administration')
    .command('topics')
    .description('create, list, describe and delete Kafka topics')
  connectionFlags(topics.command('create'))
    .description('create topics (the brokers refuse an existing one unless --if-not-exists)')
    .argument('<topic...>', 'the topic names')
    .option('--partitions <n>', "partitions (default: the broker's num.partitions)", whole('--partitions'))
    .option(
      '--replication-factor <n>',
      "replicas per partition (default: the broker's default.replication.factor)",
      whole('--replication-factor'),
    )
    .option('--config <key=value>', 'a topic config, e.g. cleanup.policy=compact (repeatable)', keyValue, {})
    .option('--if-not-exists', 'leave a topic that exists as it is')
    .action(async (names: string[], o) => {
      const specs = names.map((name) => ({
        name,
        partitions: o.partitions,
        replicationFactor: o.replicationFactor,
        configs: o.config,
      }))
      const created = await withAdmin(o, (a) => createKafkaTopics(a, specs, { ifNotExists: o.ifNotExists }))
      for (const n of names) print(created.includes(n) ? `created topic ${n}` : `topic ${n} exists`)
    })
  connectionFlags(topics.command('list'))
    .description('list the topic names, one a line')
    .option(
      '--include-internal',
      'also list internal topics (__consumer_offsets, and any name starting with __)',
    )
    .action(async (o) => {
      const names = await withAdmin(o, (a) => listKafkaTopics(a, { includeInternal: o.includeInternal }))
      for (const n of names) print(n)
    })
  connectionFlags(topics.command('describe'))
    .description("partitions, leaders, replicas and each topic's own configs")
    .argument('<topic...>', 'the topic names')
    .action(async (names: string[], o) => {
      for (const d of await withAdmin(o, (a) => describeKafkaTopics(a, names))) {
        const configs = Object.entries(d.configs).map(([k, v]) => `${k}=${v}`)
        print(
          `Topic: ${d.name}\tTopicId: ${d.id}\tPartitionCount: ${d.partitions.length}\tReplicationFactor: ${d.replicationFactor}\tConfigs: ${configs.join(',')}`,
        )
        for (const p of d.partitions)
          print(
            `\tTopic: ${d.name}\tPartition: ${p.partition}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`,
          )
      }
    })
  connectionFlags(topics.command('delete'))
    .description('delete topics and their data')
    .argument('<topic...>', 'the topic names')
    .option('--if-exists', 'skip a topic that does not exist')
    .action(async (names: string[], o) => {
      const deleted = await withAdmin(o, (a) => deleteKafkaTopics(a, names, { ifExists: o.ifExists }))
      for (const n of names) print(deleted.includes(n) ? `deleted topic ${n}` : `topic ${n} does not exist`)
    })
}
