import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {ROOT, tempConfigDir} from './support/cli.js'

const CHECKER = path.join(ROOT, 'scripts', 'check-layers.mjs')

/** Runs the layer check on a tree; its lines on stderr, one per violation. */
function check(root: string): {code: null | number; lines: string[]} {
  const result = spawnSync(process.execPath, [CHECKER, root], {encoding: 'utf8', timeout: 30_000})
  return {code: result.status, lines: result.stderr.split('\n').filter(Boolean)}
}

describe('the layer check (scripts/check-layers.mjs, in npm run lint)', () => {
  let tree: ReturnType<typeof tempConfigDir>

  /** A small tree with this repository's layer rules and the given source files. */
  function write(files: Record<string, string>): string {
    mkdirSync(path.join(tree.dir, 'docs'), {recursive: true})
    copyFileSync(path.join(ROOT, 'docs', 'architecture.md'), path.join(tree.dir, 'docs', 'architecture.md'))
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(tree.dir, file)), {recursive: true})
      writeFileSync(path.join(tree.dir, file), text)
    }

    return tree.dir
  }

  beforeEach(() => {
    tree = tempConfigDir()
  })
  afterEach(() => tree.cleanup())

  it('passes this repository: every import keeps to the order docs/architecture.md documents', () => {
    expect(check(ROOT)).to.deep.equal({code: 0, lines: []})
  })

  it('passes a tree that imports only downwards, and ignores import-like text in comments and strings', () => {
    const root = write({
      'src/model.ts': 'export const A = 1\n',
      'src/net/client.ts':
        "import {A} from '../model.js'\n// import {x} from '../stores/store.js'\nexport const text = \"import('../services/s.js')\"\nexport const B = A\n",
      'src/stores/store.ts': "import {B} from '../net/client.js'\nexport const C = B\n",
      'src/ui/view.ts': "import type {A} from '../model.js'\nexport type V = typeof A\n",
    })
    expect(check(root)).to.deep.equal({code: 0, lines: []})
  })

  it('fails with one line per import against the order: static, type-only, re-export and dynamic', () => {
    const root = write({
      'src/model.ts': "import {visible} from './ui/text.js'\nexport const A = visible\n",
      'src/net/client.ts': "export type {S} from '../stores/store.js'\n",
      'src/stores/store.ts': 'export type S = string\n',
      'src/ui/text.ts': "import type {S} from '../stores/store.js'\nexport const visible = async (s: S) => (await import('../net/client.js')) && s\n",
    })
    const {code, lines} = check(root)
    expect(code).to.equal(1)
    expect(lines).to.have.length(4)
    expect(lines).to.include.members([
      'src/model.ts:1: imports ./ui/text.js (ui); model imports nothing (docs/architecture.md)',
      'src/net/client.ts:1: imports ../stores/store.js (stores); net may import model, errors (docs/architecture.md)',
      'src/ui/text.ts:1: imports ../stores/store.js (stores); ui may import model, errors (docs/architecture.md)',
      'src/ui/text.ts:2: imports ../net/client.js (net); ui may import model, errors (docs/architecture.md)',
    ])
  })

  it('fails on a file in no layer of the table, so a new folder has to be placed', () => {
    const root = write({'src/model.ts': 'export const A = 1\n', 'src/widgets/w.ts': "import {A} from '../model.js'\nexport const W = A\n"})
    expect(check(root)).to.deep.equal({code: 1, lines: ['src/widgets/w.ts: in no layer of the table in docs/architecture.md; add it to one']})
  })

  it('fails when the architecture document has no layer table to check against', () => {
    const root = write({'src/model.ts': 'export const A = 1\n'})
    writeFileSync(path.join(root, 'docs', 'architecture.md'), '# Architecture\n')
    const {code, lines} = check(root)
    expect(code).to.equal(1)
    expect(lines).to.deep.equal(['check-layers: docs/architecture.md has no "| layer | files | may import |" table'])
  })
})
