/**
 * Kafka's own Java consumer (kafka-clients, from the broker's Maven Central jars) as the reference
 * reader: `javaKafkaRead` runs java/KafkaTopicReader.java in source-file mode and returns every
 * record of a topic as that consumer sees it with the given isolation level, from the earliest
 * offsets to the end offsets it reports (for read_committed: the last stable offset).
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const BROKER_SCRIPT = fileURLToPath(new URL('../../scripts/kafka-broker.mjs', import.meta.url))
const READER = fileURLToPath(new URL('./java/KafkaTopicReader.java', import.meta.url))

export interface JavaRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string | null
  readonly value: string | null
}

let libs: Promise<string> | undefined

/** The broker's jar folder (kafka-clients among them), fetched once by the broker script. */
function kafkaLibs(): Promise<string> {
  libs ??= run(process.execPath, [BROKER_SCRIPT, 'ensure']).then(
    ({ stdout }) => stdout.trim().split('\n').at(-1) ?? '',
  )
  return libs
}

const text = (b64: string | null) => (b64 === null ? null : Buffer.from(b64, 'base64').toString('utf8'))

/**
 * Every record of `topic` as Kafka's Java KafkaConsumer reads it, sorted by partition then offset.
 *
 * @example
 * const committed = await javaKafkaRead(bootstrap, topic, 'read_committed')
 */
export async function javaKafkaRead(
  bootstrap: string,
  topic: string,
  isolation: 'read_committed' | 'read_uncommitted',
): Promise<JavaRecord[]> {
  const classpath = `${await kafkaLibs()}/*`
  const { stdout } = await run('java', ['-cp', classpath, READER, bootstrap, topic, isolation], {
    maxBuffer: 1 << 28,
  })
  const out: JavaRecord[] = []
  for (const line of stdout.split('\n')) {
    if (line === '') continue
    const r = JSON.parse(line) as {
      partition: number
      offset: number
      key: string | null
      value: string | null
    }
    out.push({ partition: r.partition, offset: r.offset, key: text(r.key), value: text(r.value) })
  }
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset)
}
