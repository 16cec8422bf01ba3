// Counts the tests (`it` calls) and assertions per test lane, from the source text, so a move of
// tests between lanes can be checked to lose none: `node scripts/count-tests.mjs` for the work
// tree, `node scripts/count-tests.mjs REF` for a commit (e.g. main). Static counts: an `it`
// inside a loop counts once, the same before and after a move.
// Assertions: `expect(` and `assert(`/`assert.x(` calls, and the fixture's `ok(`/`fails(`
// (each asserts an exit code; fails also the one error line), counted apart.
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'

const ref = process.argv[2]
const git = (...args) => execFileSync('git', args, {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
const files = (ref ? git('ls-tree', '-r', '--name-only', ref, 'test') : git('ls-files', '--cached', '--others', '--exclude-standard', 'test'))
  .split('\n')
  .filter((file) => file.endsWith('.test.ts'))
const read = (file) => (ref ? git('show', `${ref}:${file}`) : readFileSync(file, 'utf8'))

/** The lane of a test file, by its name (CONTRIBUTING.md, "Test lanes"). */
function lane(file) {
  if (file.endsWith('.install.test.ts')) return 'install'
  if (file.endsWith('.e2e.test.ts')) return 'e2e'
  return 'unit'
}

const count = (text, pattern) => (text.match(pattern) ?? []).length
const rows = {}
for (const file of files) {
  // Comments don't count: a commented-out expect is no assertion.
  const text = read(file)
    .replaceAll(/\/\*[\s\S]*?\*\//g, '')
    .replaceAll(/(^|[^:'"`])\/\/.*$/gm, '$1')
  const row = (rows[lane(file)] ??= {assertions: 0, files: 0, helpers: 0, tests: 0})
  row.files++
  row.tests += count(text, /(?<![\w.])it(?:\.only|\.skip)?\(/g)
  row.assertions += count(text, /(?<![\w.])(?:expect|assert)(?:\.\w+)?\(/g)
  row.helpers += count(text, /(?<![\w.])(?:ok|fails)\(/g)
}

const total = {assertions: 0, files: 0, helpers: 0, tests: 0}
console.log(`lane     files  tests  expect/assert  ok/fails${ref ? `   (at ${ref})` : ''}`)
for (const name of ['unit', 'e2e', 'install']) {
  const row = rows[name] ?? {assertions: 0, files: 0, helpers: 0, tests: 0}
  for (const key of Object.keys(total)) total[key] += row[key]
  console.log(
    `${name.padEnd(8)} ${String(row.files).padStart(5)}  ${String(row.tests).padStart(5)}  ${String(row.assertions).padStart(13)}  ${String(row.helpers).padStart(8)}`,
  )
}
console.log(
  `${'total'.padEnd(8)} ${String(total.files).padStart(5)}  ${String(total.tests).padStart(5)}  ${String(total.assertions).padStart(13)}  ${String(total.helpers).padStart(8)}`,
)
