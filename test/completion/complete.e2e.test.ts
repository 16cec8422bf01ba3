import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {bashReplacement, complete, localValues, splitBashLine} from '../../src/completion/complete.js'
import {migrate} from '../../src/stores/schema.js'
import {ROOT} from '../support/cli.js'

describe('the completer (in process, built manifest, temp config)', () => {
  let tmp: string
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'llamactl-completer-'))
  })
  afterEach(() => rmSync(tmp, {force: true, recursive: true}))

  describe('bash lines', () => {
    it('splits words as bash does: escapes, quotes, and where readline starts the text it replaces', () => {
      expect(splitBashLine('llamactl auth use my\\ pro')).to.deep.equal({current: 'my pro', kept: '', quote: '', words: ['llamactl', 'auth', 'use']})
      expect(splitBashLine('llamactl auth use "it\'s \\"q')).to.deep.equal({current: `it's "q`, kept: '', quote: '"', words: ['llamactl', 'auth', 'use']})
      expect(splitBashLine("llamactl x 'a b")).to.include({current: 'a b', kept: '', quote: "'"})
      expect(splitBashLine('llamactl env use http://h:80')).to.include({current: 'http://h:80', kept: 'http://h:'})
      expect(splitBashLine('llamactl x --profile=al')).to.include({current: '--profile=al', kept: '--profile='})
      expect(splitBashLine('llamactl x --profile="my p')).to.include({current: '--profile=my p', kept: '--profile=', quote: '"'})
      // COMP_WORDBREAKS without ':' (bash-completion users sometimes remove it).
      expect(splitBashLine('llamactl env use http://h:80', ' =')).to.include({kept: ''})
      expect(splitBashLine('llamactl auth use ')).to.deep.equal({current: '', kept: '', quote: '', words: ['llamactl', 'auth', 'use']})
    })

    it('writes each answer as the text readline puts in place of what it replaces', () => {
      const bare = {kept: '', quote: '' as const}
      expect(bashReplacement('my profile', bare)).to.equal('my\\ profile')
      expect(bashReplacement(`it's "q" $x *`, bare)).to.equal(`it\\'s\\ \\"q\\"\\ \\$x\\ \\*`)
      expect(bashReplacement('~home', bare)).to.equal('\\~home')
      expect(bashReplacement('Zoë', bare)).to.equal('Zoë')
      expect(bashReplacement('http://h:8080', {kept: 'http://h:', quote: ''})).to.equal('8080')
      expect(bashReplacement(`it's "q" $x`, {kept: '', quote: '"'})).to.equal(`it's \\"q\\" \\$x`)
      expect(bashReplacement(`it's`, {kept: '', quote: "'"})).to.equal(`it'\\''s`)
    })
  })

  describe('the config file', () => {
    const docs: Array<[string, unknown]> = [
      [
        'schema 1',
        {
          currentEnvironment: 'https://a',
          environments: [{apiUrl: 'https://a', currentProfile: null, minLlamactlVersion: null, requiresAuth: true}],
          profiles: [],
          schemaVersion: 1,
        },
      ],
      ['schema 0, nothing but a profile list', {profiles: []}],
      ['a newer schema', {currentEnvironment: 'x', environments: [], profiles: [], schemaVersion: 2}],
      ['not an object', [1]],
      ['profiles not a list', {profiles: {}, schemaVersion: 1, currentEnvironment: 'x', environments: []}],
      [
        'a profile without an id',
        {currentEnvironment: 'x', environments: [], profiles: [{apiUrl: 'x', authType: 'none', name: 'n', projectId: null}], schemaVersion: 1},
      ],
      [
        'a bad authType',
        {currentEnvironment: 'x', environments: [], profiles: [{apiUrl: 'x', authType: 'key', id: 'i', name: 'n', projectId: null}], schemaVersion: 1},
      ],
      ['an environment without a URL', {currentEnvironment: 'x', environments: [{currentProfile: null}], profiles: [], schemaVersion: 1}],
    ]
    for (const [name, doc] of docs)
      it(`judges it as the CLI does: ${name}`, async () => {
        writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(doc))
        let cliAccepts = true
        try {
          migrate(doc, 'config.json')
        } catch {
          cliAccepts = false
        }

        // Environment URLs always include the default one when the file is read at all.
        expect((await localValues('environment', tmp)).length > 0).to.equal(cliAccepts)
      })

    it('LLAMACTL_CONFIG_DIR with a leading ~ is in the home directory (as the Python llamactl reads it)', async () => {
      mkdirSync(path.join(tmp, 'cfg'))
      const profile = {apiUrl: 'https://a', authType: 'none', id: 'i', name: 'tilde', projectId: null}
      const doc = {
        currentEnvironment: 'https://a',
        environments: [{apiUrl: 'https://a', currentProfile: null, minLlamactlVersion: null, requiresAuth: true}],
        profiles: [profile],
        schemaVersion: 1,
      }
      writeFileSync(path.join(tmp, 'cfg', 'config.json'), JSON.stringify(doc))
      const found = await complete(['auth', 'use'], '', {env: {LLAMACTL_CONFIG_DIR: '~/cfg', XDG_DATA_HOME: path.join(tmp, 'd')}, home: tmp, root: ROOT})
      expect(found.map((c) => c.value)).to.deep.equal(['tilde'])
    })

    it('no config dir: a fresh config; a directory where the file should be: nothing', async () => {
      expect(await localValues('environment', path.join(tmp, 'absent'))).to.deep.equal([{value: 'https://api.cloud.llamaindex.ai'}])
      mkdirSync(path.join(tmp, 'config.json'))
      expect(await localValues('environment', tmp)).to.deep.equal([])
    })
  })

  describe('commands and flags of the manifest', () => {
    const ctx = () => ({env: {LLAMACTL_CONFIG_DIR: tmp, XDG_CACHE_HOME: path.join(tmp, 'c'), XDG_DATA_HOME: path.join(tmp, 'd')}, home: tmp, root: ROOT})
    const values = async (words: string[], current: string) => (await complete(words, current, ctx())).map((c) => c.value)

    it('a subcommand completes from its prefix; one without arguments offers its flags, not names', async () => {
      expect(await values(['auth'], 'u')).to.deep.equal(['use'])
      expect(await values(['auth', 'get'], '-')).to.include('--json')
      expect(await values(['auth', 'list'], '')).to.include('--json')
    })

    it('flags: --no- forms, --help, values a flag lists, and none after a flag that takes its value inline', async () => {
      expect(await values(['auth', 'login'], '--no-')).to.have.members(['--no-browser', '--no-interactive'])
      expect(await values(['auth', 'login'], '--he')).to.deep.equal(['--help'])
      expect(await values(['completion', 'install', '--shell'], 'f')).to.deep.equal(['fish'])
      expect(await values(['completion', 'install'], '--shell=z')).to.deep.equal(['--shell=zsh'])
      expect(await values(['completion', 'install', '--shell=zsh'], '')).to.include('--dry-run')
    })

    it('descriptions of commands render help templates with the CLI name', async () => {
      const help = (await complete([], 'he', ctx())).find((c) => c.value === 'help')
      expect(help?.description).to.equal('Display help for llamactl.')
    })
  })
})

describe('the completer writes its answer with write(2), no stdout stream (the built file, as a child)', function () {
  this.timeout(30_000)
  const COMPLETER = path.join(ROOT, 'dist', 'completion', 'complete.js')
  // Text of 1 MB: far more than a pipe holds (64 kB on Linux), so the writer must wait for the reader.
  const program = (size: number) => `require(${JSON.stringify(COMPLETER)}).writeOut('x'.repeat(${size}) + '\\n', Date.now() + 10000); process.exitCode = 7`

  it('every byte of 1 MB reaches a reader through a pipe', () => {
    const r = spawnSync(process.execPath, ['-e', program(1_000_000)], {encoding: 'utf8', maxBuffer: 4_000_000})
    expect(r.status).to.equal(7)
    expect(r.stdout.length).to.equal(1_000_001)
  })

  it('a reader that went away (EPIPE) ends the write quietly: no error, no stack', () => {
    // `true` exits without reading: the writer's next write(2) fails with EPIPE.
    const r = spawnSync('bash', ['-c', `"$0" -e "$1" | true; echo "\${PIPESTATUS[0]}"`, process.execPath, program(1_000_000)], {encoding: 'utf8'})
    expect({status: r.stdout.trim(), stderr: r.stderr}).to.deep.equal({status: '7', stderr: ''})
  })
})
