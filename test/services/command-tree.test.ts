import {Config} from '@oclif/core'
import {expect} from 'chai'
import {existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {loadCommandTree} from '../../src/completion/load-config.js'
import hook from '../../src/hooks/completion-commands.js'
import {COMMAND_TREE_FILE, commandTreeOf, readCommandTree, writeCommandTree} from '../../src/services/command-tree.js'
import {ROOT} from '../support/cli.js'

describe("the command tree TABs read, written from oclif's loaded Config (the built manifest, temp dirs)", () => {
  let tmp: string
  let config: Config
  before(async () => {
    config = await Config.load(ROOT)
  })
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'llamactl-tree-'))
  })
  afterEach(() => rmSync(tmp, {force: true, recursive: true}))

  /** The Config with its data dir in the temp dir (where plugins install writes its list). */
  const inTemp = () => Object.assign(Object.create(config), {cacheDir: path.join(tmp, 'cache'), dataDir: path.join(tmp, 'data')}) as Config

  it("holds oclif's commands, visible aliases, topics and flags, and reads back as written", () => {
    const written = writeCommandTree(inTemp())
    expect(written.commands.get('auth:use')?.args.map((a) => a.name)).to.deep.equal(['name'])
    expect(written.commands.get('help')?.summary).to.equal('Display help for <%= config.bin %>.')
    expect(written.topics.get('auth')).to.equal('Sign in to a control plane and manage login profiles')
    expect(written.commands.get('projects:get')?.flags.find((f) => f.name === 'output')?.options).to.deep.equal(['text', 'wide', 'json', 'yaml'])
    // As JSON: what the file holds (fields without a value are absent there).
    const json = (tree: unknown) => JSON.parse(JSON.stringify(tree, (_key, value) => (value instanceof Map ? [...value] : value)))
    expect(json(readCommandTree(path.join(tmp, 'cache'), ROOT))).to.deep.equal(json(written))
    expect(commandTreeOf(config)).to.deep.equal(written)
  })

  it('is not used once a file that decides it changed (the data dir plugin list, a manifest), nor for another root', () => {
    writeCommandTree(inTemp())
    expect(readCommandTree(path.join(tmp, 'cache'), '/elsewhere')).to.equal(undefined)
    // `plugins install` writes the data dir's package.json, which did not exist when the tree was written.
    const data = path.join(tmp, 'data')
    mkdirSync(data)
    writeFileSync(path.join(data, 'package.json'), JSON.stringify({oclif: {plugins: []}}))
    expect(readCommandTree(path.join(tmp, 'cache'), ROOT)).to.equal(undefined)
  })

  it('a stale tree is made again from oclif (once): for the root as the script names it, a symlink too, so the next TAB reads it', async () => {
    const link = path.join(tmp, 'install-link')
    symlinkSync(ROOT, link)
    const made = await loadCommandTree(link, path.join(tmp, 'cache'))
    expect(made.commands.has('auth:use')).to.equal(true)
    expect(readCommandTree(path.join(tmp, 'cache'), link)?.commands.has('auth:use')).to.equal(true)
  })

  it('plugins:postinstall / postuninstall (the hook) write it from the Config that has the change', async () => {
    const cached = path.join(tmp, 'cache', COMMAND_TREE_FILE)
    await hook.call({} as never, {config: inTemp(), context: {} as never} as never)
    expect(existsSync(cached)).to.equal(true)
    expect(readCommandTree(path.join(tmp, 'cache'), ROOT)?.commands.has('completion:uninstall')).to.equal(true)
  })
})
