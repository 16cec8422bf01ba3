#!/usr/bin/env node
// Fails when a file under src/ imports from a layer it may not: the rules are the table in
// docs/architecture.md ("Layer rules"), so the documented order is the checked one. Every
// import counts: static, `import type`, `export … from` and dynamic `import('…')`. A file in no
// layer of the table is reported too, so a new folder has to be placed. One line per violation,
// exit 1; nothing printed and exit 0 when the tree keeps to the order. Part of `npm run lint`.
//
//   node scripts/check-layers.mjs [root]     (default: this repository)
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import ts from 'typescript'

const ROOT = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'))
const DOC = 'docs/architecture.md'
const HEADER = /^\|\s*layer\s*\|\s*files\s*\|\s*may import\s*\|$/

/**
 * The "layer | files | may import" table of the architecture document: each layer's file
 * patterns (a file, or `dir/**` for everything under it) and the layers it may import.
 */
function readRules(root) {
  const lines = readFileSync(path.join(root, DOC), 'utf8').split('\n')
  const start = lines.findIndex((line) => HEADER.test(line.trim()))
  if (start < 0) throw new Error(`${DOC} has no "| layer | files | may import |" table`)
  const layers = []
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break
    const [name, files, allowed] = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim())
    layers.push({
      allowed: new Set(
        allowed
          .split(',')
          .map((word) => word.trim())
          .filter((word) => /^[\w-]+$/.test(word)),
      ),
      name,
      patterns: [...files.matchAll(/`([^`]+)`/g)].map((m) => m[1]),
    })
  }

  const names = new Set(layers.map((layer) => layer.name))
  for (const layer of layers)
    for (const other of layer.allowed)
      if (!names.has(other)) throw new Error(`${DOC}: layer ${layer.name} may import "${other}", which is no layer of the table`)
  return layers
}

/** The layer a file (path relative to the root, `/`-separated) belongs to, or undefined. */
function layerOf(layers, file) {
  return layers.find((layer) => layer.patterns.some((pattern) => (pattern.endsWith('/**') ? file.startsWith(pattern.slice(0, -2)) : file === pattern)))
}

function sourceFiles(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

const relative = (file) => path.relative(ROOT, file).split(path.sep).join('/')

let layers
try {
  layers = readRules(ROOT)
} catch (error) {
  console.error(`check-layers: ${error.message}`)
  process.exit(1)
}

const violations = []
for (const file of sourceFiles(path.join(ROOT, 'src'))) {
  const from = relative(file)
  const source = readFileSync(file, 'utf8')
  const layer = layerOf(layers, from)
  if (!layer) {
    violations.push(`${from}: in no layer of the table in ${DOC}; add it to one`)
    continue
  }

  // TypeScript's own scanner: finds every import form, and none inside comments or strings.
  for (const {fileName, pos} of ts.preProcessFile(source, true, true).importedFiles) {
    if (!fileName.startsWith('.')) continue
    const to = relative(path.resolve(path.dirname(file), fileName.replace(/\.js$/, '.ts')))
    const target = layerOf(layers, to)
    if (target === layer) continue
    if (target && layer.allowed.has(target.name)) continue
    const line = source.slice(0, pos).split('\n').length
    const rule = layer.allowed.size > 0 ? `${layer.name} may import ${[...layer.allowed].join(', ')}` : `${layer.name} imports nothing`
    violations.push(`${from}:${line}: imports ${fileName} (${target ? target.name : 'no layer'}); ${rule} (${DOC})`)
  }
}

for (const violation of violations) console.error(violation)
process.exit(violations.length > 0 ? 1 : 0)
