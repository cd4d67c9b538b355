/**
 * Nexmark's string fields (shared BENCH.md "Strings"; Beam/Flink StringsGenerator): short random
 * words, `extra` padding, and the channel/URL pairs of bids.
 */
import { SluiceError } from '../../errors.ts'
import { CHANNELS_NUMBER, HOT_CHANNELS } from './model.ts'
import { JavaRandom } from './random.ts'

const MIN_STRING_LENGTH = 3
const CHAR_A = 97

/**
 * Beam's `nextString(random, maxLength, special)`: 3 + rand(max - 3) characters, each `special`
 * with P = 1/13 and otherwise a lowercase letter, then Java's trim() (only spaces can be trimmed).
 * @example nextString(new JavaRandom(99), 20) // 'xeuempuow' (as Java)
 */
export function nextString(random: JavaRandom, maxLength: number, special = ' '): string {
  let len = MIN_STRING_LENGTH + random.nextIntBounded(maxLength - MIN_STRING_LENGTH)
  let s = ''
  while (len-- > 0) {
    s += random.nextIntBounded(13) === 0 ? special : String.fromCharCode(CHAR_A + random.nextIntBounded(26))
  }
  return special === ' ' ? s.trim() : s
}

/** Size of the pre-generated padding text `extra` values are sliced from. */
export const EXTRA_POOL_SIZE = 1 << 20
// "nexmark" in ASCII: any fixed seed works; it only has to be the same in every process.
const EXTRA_POOL_SEED = 0x6e65786d61726bn

function makeExtraPool(): string {
  const random = new JavaRandom(EXTRA_POOL_SEED)
  const codes = new Uint8Array(EXTRA_POOL_SIZE)
  for (let i = 0; i < EXTRA_POOL_SIZE; i++) codes[i] = CHAR_A + random.nextIntBounded(26)
  return new TextDecoder('latin1').decode(codes)
}

/**
 * 1 MiB of random lowercase letters, the same in every process (seeded JavaRandom). Slicing it is
 * what nexmark-flink and Velox do instead of drawing every padding character (a V8 slice of a long
 * string is a view, not a copy).
 */
export const EXTRA_POOL: string = makeExtraPool()

/**
 * Padding so that `currentSize + extra.length` averages `averageSize`: "" when already larger;
 * else with d = average - current and δ = round(0.2 d), a length of d - δ + rand(2δ) (δ = 0: d),
 * sliced from EXTRA_POOL at offset rand(POOL - length). Two draws, like Velox's port.
 * @example nextExtra(random, 32, 100).length // in [54, 81]
 */
export function nextExtra(random: JavaRandom, currentSize: number, averageSize: number): string {
  if (currentSize > averageSize) return ''
  const d = averageSize - currentSize
  const delta = Math.round(d * 0.2)
  const length = d - delta + (delta === 0 ? 0 : random.nextIntBounded(2 * delta))
  if (length >= EXTRA_POOL_SIZE) {
    throw new SluiceError(
      'INVALID_OPTION',
      `Nexmark extra padding of ${length} bytes exceeds ${EXTRA_POOL_SIZE}; lower the avg*ByteSize options.`,
    )
  }
  const offset = random.nextIntBounded(EXTRA_POOL_SIZE - length)
  return EXTRA_POOL.slice(offset, offset + length)
}

/**
 * Java's `Integer.reverse`: the 32 bits of `i` in reverse order, as a signed int.
 * @example integerReverse(1) // -2147483648
 */
export function integerReverse(i: number): number {
  let x = i | 0
  x = ((x & 0x55555555) << 1) | ((x >>> 1) & 0x55555555)
  x = ((x & 0x33333333) << 2) | ((x >>> 2) & 0x33333333)
  x = ((x & 0x0f0f0f0f) << 4) | ((x >>> 4) & 0x0f0f0f0f)
  x = ((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff)
  return (x << 16) | (x >>> 16) | 0
}

/** Java's Math.abs(int): abs, except Integer.MIN_VALUE stays negative. */
function javaAbsInt(x: number): number {
  return x < 0 ? -x | 0 : x
}

function baseUrl(random: JavaRandom): string {
  const a = nextString(random, 5, '_')
  const b = nextString(random, 5, '_')
  const c = nextString(random, 5, '_')
  return `https://www.nexmark.com/${a}/${b}/${c}/item.htm?query=1`
}

/**
 * URLs of the 4 hot channels. Flink draws them from an unseeded Random once per JVM; Sluice seeds
 * hot channel h with CHANNELS_NUMBER + h so every process agrees.
 */
export const HOT_URLS: readonly string[] = HOT_CHANNELS.map((_, h) =>
  baseUrl(new JavaRandom(CHANNELS_NUMBER + h)),
)

// Pre-sized so the caches stay dense arrays whatever order channels are first seen in.
const CHANNEL_NAMES: (string | undefined)[] = new Array(CHANNELS_NUMBER).fill(undefined)
const CHANNEL_URLS: (string | undefined)[] = new Array(CHANNELS_NUMBER).fill(undefined)

/**
 * Name and URL of non-hot channel i in [0, 10000): `channel-i`, and a base URL plus (P = 0.9)
 * `&channel_id=abs(Integer.reverse(i))`. Flink draws these from an unseeded Random and caches them;
 * Sluice seeds channel i's draws with i, so the pair is a pure function of i.
 * @example channelUrl(1) // 'https://www.nexmark.com/…/item.htm?query=1&channel_id=-2147483648' or without the id
 */
export function channelUrl(i: number): string {
  let url = CHANNEL_URLS[i]
  if (url === undefined) {
    const random = new JavaRandom(i)
    url = baseUrl(random)
    if (random.nextIntBounded(10) > 0) url += `&channel_id=${javaAbsInt(integerReverse(i))}`
    CHANNEL_URLS[i] = url
    CHANNEL_NAMES[i] = `channel-${i}`
  }
  return url
}

/**
 * `channel-i`, cached so that bids share one string per channel.
 * @example channelName(7) // 'channel-7'
 */
export function channelName(i: number): string {
  let name = CHANNEL_NAMES[i]
  if (name === undefined) {
    channelUrl(i)
    name = CHANNEL_NAMES[i] as string
  }
  return name
}
