#!/usr/bin/env node
// Copies the web UI's static files and uPlot's browser build into dist/ui/static, so the
// published package serves the UI with no build step on the user's side.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'dist', 'ui', 'static')
mkdirSync(out, { recursive: true })
const from = join(root, 'src', 'ui', 'static')
for (const name of readdirSync(from)) copyFileSync(join(from, name), join(out, name))
for (const name of ['uPlot.iife.min.js', 'uPlot.min.css'])
  copyFileSync(join(root, 'node_modules', 'uplot', 'dist', name), join(out, name))
