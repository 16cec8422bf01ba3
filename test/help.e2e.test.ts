import {expect} from 'chai'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {cleanEnv, ROOT, run, tempDir} from './fixtures/host/stage.js'
import {topicsOf} from './support/manifest.js'
import {buildProfilesDb} from './support/python-profiles-db.js'

interface Described {
  description?: string
  hidden?: boolean
  summary?: string
}

interface ManifestCommand extends Described {
  args: Record<string, Described & {name: string}>
  examples?: Array<string | {command: string; description: string}>
  flags: Record<string, Described & {name: string}>
  id: string
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'))
const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
const commands = (Object.values(manifest.commands) as ManifestCommand[]).filter((c) => !c.hidden)

/** Logs every module the CLI imports (test/support/import-recorder.mjs). */
const RECORDER = path.join(ROOT, 'test', 'support', 'import-recorder.mjs')

describe('help', function () {
  this.timeout(60_000)
  let tmp: string

  before(() => {
    tmp = tempDir('llamactl-help-')
  })

  after(() => rmSync(tmp, {force: true, recursive: true}))

  /** Runs bin/run.js and returns which dist/commands modules it imported (and every file it loaded). */
  async function commandModulesLoaded(
    args: string[],
    name: string,
    configDir = path.join(tmp, 'config'),
  ): Promise<{all: string[]; code: null | number; loaded: string[]; stderr: string; stdout: string}> {
    const log = path.join(tmp, `${name}.log`)
    writeFileSync(log, '')
    const result = await run(process.execPath, ['--import', RECORDER, path.join(ROOT, 'bin', 'run.js'), ...args], {
      env: cleanEnv({HOME: tmp, LLAMACTL_CONFIG_DIR: configDir, LLAMACTL_SECRET_STORE: 'file', LLAMACTL_TEST_IMPORT_LOG: log}),
      timeoutMs: 20_000,
    })
    const all = readFileSync(log, 'utf8').split('\n').filter(Boolean)
    expect(
      all.some((url) => url.endsWith('/bin/run.js')),
      'the recorder logged modules',
    ).to.equal(true)
    const commandsDir = `${path.join(ROOT, 'dist', 'commands')}/`
    const loaded = all
      .map((url) => new URL(url).pathname)
      .filter((p) => p.startsWith(commandsDir))
      .map((p) => path.relative(commandsDir, p))
    return {all, code: result.code, loaded: [...new Set(loaded)], stderr: result.stderr, stdout: result.stdout}
  }

  it('answers `auth --help` from oclif.manifest.json without importing any command', async () => {
    const {code, loaded, stdout} = await commandModulesLoaded(['auth', '--help'], 'topic')
    expect(code).to.equal(0)
    for (const c of commands.filter((c) => c.id.startsWith('auth:') && c.id.split(':').length === 2)) expect(stdout).to.include(c.id.replace(':', ' '))
    expect(stdout).to.include('auth env')
    expect(loaded).to.deep.equal([])
  })

  it('imports only the command being run (and none for its --help)', async () => {
    const help = await commandModulesLoaded(['auth', 'token', '--help'], 'token-help')
    expect(help.code).to.equal(0)
    expect(help.stdout).to.include('--api-key')
    expect(help.loaded.filter((f) => f !== 'auth/token.js')).to.deep.equal([])

    // The positive control: running a command does load it, so the hook sees command modules.
    const ran = await commandModulesLoaded(['auth', 'env', 'list', '--json'], 'env-list')
    expect(ran.code).to.equal(0)
    expect(ran.loaded).to.deep.equal(['auth/env/list.js'])
  })

  it('auth list loads neither the SQLite reader nor the import code, except on a first run with a profiles.db', async () => {
    const importCode = /dist\/chunks\/(sqlite-file|import-service|python-profiles-db)\.js/
    const dir = path.join(tmp, 'python')
    mkdirSync(dir)
    buildProfilesDb(path.join(dir, 'profiles.db'), {profiles: [{api_key: null, api_url: 'https://api.cloud.llamaindex.ai', name: 'old', project_id: 'p1'}]})
    // The positive control: the very first run imports, and loads the SQLite reader to do it.
    const first = await commandModulesLoaded(['auth', 'list', '--json'], 'list-first-run', dir)
    expect(first.code, first.stderr).to.equal(0)
    expect(first.stderr).to.match(/^Imported 0 environments and 1 profile from the Python llamactl's /)
    expect(
      first.all.some((url) => url.includes('dist/chunks/sqlite-file.js')),
      'the SQLite reader loaded on the first run',
    ).to.equal(true)

    // With config.json there (profiles.db still beside it), and on a first run without profiles.db: none of it.
    for (const [name, configDir] of [
      ['list-after-import', dir],
      ['list-no-profiles-db', path.join(tmp, 'fresh')],
    ]) {
      const result = await commandModulesLoaded(['auth', 'list', '--json'], name, configDir)
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.equal('')
      expect(
        result.all.filter((url) => importCode.test(url)),
        name,
      ).to.deep.equal([])
    }
  })

  it('takes -h as --help for the CLI, every topic and every command (and no command has a -h flag of its own)', async function () {
    this.timeout(180_000)
    const topics = [
      ...new Set(
        commands.flatMap((c) =>
          c.id
            .split(':')
            .slice(0, -1)
            .map((_, i, all) => all.slice(0, i + 1).join(':')),
        ),
      ),
    ]
    // The same text as --help for the CLI, its topics and a command; every other command answers -h with its usage.
    for (const id of ['', ...topics, 'auth:token']) {
      const words = id ? id.split(':') : []
      const [short, long] = await Promise.all([commandModulesLoaded([...words, '-h'], 'short-help'), commandModulesLoaded([...words, '--help'], 'long-help')])
      expect(short.code, `${id} -h: ${short.stderr}`).to.equal(0)
      expect(short.stdout, `${id} -h`).to.equal(long.stdout).and.match(/USAGE/)
    }

    for (const c of commands) {
      const short = await commandModulesLoaded([...c.id.split(':'), '-h'], 'short-help')
      expect(short.code, `${c.id} -h: ${short.stderr}`).to.equal(0)
      expect(short.stdout, `${c.id} -h`).to.include(`$ llamactl ${c.id.replaceAll(':', ' ')}`)
    }

    for (const c of commands)
      for (const flag of Object.values(c.flags) as Array<{char?: string; name: string}>) expect(flag.char, `${c.id} --${flag.name}`).to.not.equal('h')
  })

  it('gives every command a summary, a description, examples and help for each flag and argument', () => {
    const gaps: string[] = []
    for (const c of commands) {
      if (!c.summary?.trim()) gaps.push(`${c.id}: summary`)
      if (!c.description?.trim() || c.description === c.summary) gaps.push(`${c.id}: description`)
      if (!c.examples?.length) gaps.push(`${c.id}: examples`)
      for (const ex of c.examples ?? []) {
        const line = typeof ex === 'string' ? ex : ex.command
        if (!line.includes('<%= config.bin %> <%= command.id %>')) gaps.push(`${c.id}: example not run through config.bin/command.id: ${line}`)
        // oclif prefixes `$ ` only to an example that starts with the bin; others must carry their own.
        if (!line.startsWith('<%= config.bin %>') && !line.startsWith('$ ')) gaps.push(`${c.id}: example without its $ prompt: ${line}`)
      }

      for (const flag of Object.values(c.flags).filter((f) => !f.hidden))
        if (!(flag.summary ?? flag.description)?.trim()) gaps.push(`${c.id}: --${flag.name} help`)
      for (const arg of Object.values(c.args).filter((a) => !a.hidden)) if (!arg.description?.trim()) gaps.push(`${c.id}: ${arg.name} help`)
    }

    expect(gaps).to.deep.equal([])
    expect(commands.length).to.be.greaterThan(5)
  })

  it('describes every topic in the oclif section of package.json', () => {
    const topics = topicsOf(commands)
    expect([...topics].sort()).to.deep.equal(['auth', 'auth:env', 'completion', 'environments', 'organizations', 'projects'])
    for (const topic of topics) expect(pjson.oclif.topics?.[topic]?.description, topic).to.be.a('string').that.is.not.empty
  })

  it('keeps the command reference (docs/commands.md) in sync with `oclif readme` (and notices when it is not)', async () => {
    const check = path.join(ROOT, 'scripts', 'check-readme.mjs')
    const current = await run(process.execPath, [check], {env: cleanEnv({HOME: tmp})})
    expect(current.code, current.stderr).to.equal(0)

    const stale = path.join(tmp, 'commands.md')
    const readme = readFileSync(path.join(ROOT, 'docs', 'commands.md'), 'utf8')
    const description = commands.find((c) => c.id === 'auth:list')!.summary!
    expect(readme).to.include(description)
    writeFileSync(stale, readme.replace(description, 'An outdated summary'))
    const result = await run(process.execPath, [check, stale], {env: cleanEnv({HOME: tmp})})
    expect(result.code).to.equal(1)
    expect(result.stderr).to.match(/stale/)
  })
})
