#!/usr/bin/env node
// Checks that imports inside src/ point down the layer list (shared/DESIGN.md §2, STYLE.md):
// a module may import from its own layer or from a lower one, never from a higher one.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src')

// Lowest first. Files directly under src/ are listed by name.
const LAYERS = [
  ['errors.ts', 'util', 'io'],
  ['schema'],
  ['plan'],
  ['functions'],
  ['analysis'],
  // Operators use state stores (exec sees the SPI); stores know nothing of operators.
  ['state'],
  ['planner', 'exec'],
  ['checkpoint'],
  ['connectors'],
  ['runtime'],
  ['api'],
  // The UI, metrics and logs follow the runtime's listener bus; the session starts them.
  ['ui'],
  ['cluster'],
  // Remote execution translates the API's plans for Spark Connect; only the session wires it in.
  ['remote'],
  ['session.ts', 'session-config.ts', 'session-wiring.ts'],
  ['cli', 'testing', 'index.ts'],
]
// Extra rules beyond rank order. They forbid running code across the boundary; `import type`
// (erased at build time) may still name the types, e.g. api names the runtime's progress types.
const FORBIDDEN = [
  // The API builds plans and never runs them: reads and writes go through the session's registry.
  ['api', 'connectors'],
  ['api', 'checkpoint'],
  ['api', 'exec'],
  ['api', 'planner'],
  ['api', 'runtime'],
  ['exec', 'api'],
  ['planner', 'exec', 'allow'],
]

const rankOf = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i])))

function layerOf(file) {
  const first = relative(root, file).split(sep)[0]
  return first
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) yield* walk(p)
    else if (p.endsWith('.ts')) yield p
  }
}

const problems = []
for (const file of walk(root)) {
  const from = layerOf(file)
  if (!rankOf.has(from)) {
    problems.push(
      `${relative(root, file)}: folder '${from}' is not in the layer list of scripts/check-layers.mjs`,
    )
    continue
  }
  const text = readFileSync(file, 'utf8')
  for (const m of text.matchAll(
    /(?:import|export)([^'"]*?)from\s+['"](\.[^'"]+)['"]|import\s+['"](\.[^'"]+)['"]/g,
  )) {
    const spec = m[2] ?? m[3]
    const typeOnly = m[1] !== undefined && /^\s*type\s/.test(m[1])
    const target = resolve(dirname(file), spec)
    if (!target.startsWith(root)) continue
    const to = layerOf(target)
    if (to === from) continue
    const forbidden =
      !typeOnly && FORBIDDEN.find(([a, b, allow]) => a === from && b === to && allow !== 'allow')
    if (forbidden || rankOf.get(to) > rankOf.get(from)) {
      problems.push(`${relative(root, file)} imports ${spec}: layer '${from}' may not import from '${to}'`)
    }
  }
}

if (problems.length > 0) {
  console.error(`Layer check failed (${problems.length}):\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log('Layer check passed.')
