#!/usr/bin/env node
// The package.json that ships has no `prepare` script. `prepare` builds a git checkout installed
// by URL (scripts/prepare.mjs); a packed tarball is built already, and npm 11 lists a package's
// prepare among the install scripts a user has to allow on every install of the tarball.
//
//   node scripts/pack-manifest.mjs strip     (prepack, last): keeps package.json aside, drops prepare
//   node scripts/pack-manifest.mjs restore   (postpack): puts the kept package.json back
import {existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const manifest = path.join(ROOT, 'package.json')
const kept = path.join(ROOT, '.package.json.prepack')

const [command] = process.argv.slice(2)
if (command === 'strip') {
  const text = readFileSync(manifest, 'utf8')
  const pjson = JSON.parse(text)
  if (!existsSync(kept)) writeFileSync(kept, text)
  delete pjson.scripts?.prepare
  writeFileSync(manifest, `${JSON.stringify(pjson, null, 2)}\n`)
} else if (command === 'restore') {
  if (existsSync(kept)) renameSync(kept, manifest)
} else {
  process.stderr.write('usage: node scripts/pack-manifest.mjs strip|restore\n')
  process.exit(2)
}
