import {expect} from 'chai'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

import {ROOT, runCli, tempConfigDir} from './support/cli.js'

/** Logs every module the CLI imports (test/support/import-recorder.mjs). */
const RECORDER = path.join(ROOT, 'test', 'support', 'import-recorder.mjs')
/** What no read-only command needs at start-up: the HTTP stack, the keychain, prompts, OIDC, the lock code, the SQLite reader. */
const HEAVY = /node_modules\/(got|keytar|enquirer|openid-client|proper-lockfile)\/|dist\/chunks\/(file-lock|sqlite-file|http)\.js/

const DEFAULT_API_URL = 'https://api.cloud.llamaindex.ai'

/**
 * bin/run.js lets oclif sort the manifest's commands by code unit instead of localeCompare, whose
 * first call builds ICU's collator (start-up time, see bench/). These hold it to what it claims.
 */
describe('start-up path: bin/run.js, localeCompare, what read-only commands load', function () {
  this.timeout(30_000)

  it('sorts every command id and alias of the manifest the same by code unit as by localeCompare', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'))
    const ids = (Object.values(manifest.commands) as Array<{aliases?: string[]; id: string}>).flatMap((c) => [c.id, ...(c.aliases ?? [])])
    expect(ids.length).to.be.above(10)
    expect(
      ids.every((id) => /^[a-z][a-z0-9:-]*$/.test(id)),
      'lowercase ASCII ids',
    ).to.equal(true)
    // What bin/run.js's stand-in returns, against the real thing.
    const byCodeUnit = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    expect(byCodeUnit).to.deep.equal([...ids].sort((a, b) => a.localeCompare(b)))
    // The control: the two orders do differ where case or accents come in.
    expect(['b', 'C', 'a'].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).to.not.deep.equal(['b', 'C', 'a'].sort((a, b) => a.localeCompare(b)))
  })

  it('gives commands the real localeCompare: auth list orders profile names as people read them (a, b, C, not C, a, b)', async () => {
    const {cleanup, dir} = tempConfigDir()
    try {
      const profiles = ['b', 'C', 'a'].map((name, i) => ({
        apiUrl: DEFAULT_API_URL,
        authType: 'api-key',
        id: `00000000-0000-4000-8000-00000000000${i}`,
        keyHint: 'llx-…0000',
        name,
        projectId: 'p1',
      }))
      const environments = [{apiUrl: DEFAULT_API_URL, currentProfile: 'b', minLlamactlVersion: null, requiresAuth: true}]
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({currentEnvironment: DEFAULT_API_URL, environments, profiles, schemaVersion: 1}), {
        mode: 0o600,
      })
      const result = await runCli(['auth', 'list', '--json'], {env: {LLAMACTL_CONFIG_DIR: dir, LLAMACTL_SECRET_STORE: 'file'}})
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).profiles.map((p: {name: string}) => p.name)).to.deep.equal(['a', 'b', 'C'])
    } finally {
      cleanup()
    }
  })

  it('auth list never calls localeCompare (whose first call builds ICU collation, ~9 ms) for plain profile names, and does for others', async () => {
    const {cleanup, dir} = tempConfigDir()
    try {
      // Counts the calls of the real localeCompare, the one bin/run.js hands back after its one sort.
      const counter = path.join(dir, 'count-collation.cjs')
      const log = path.join(dir, 'collations.log')
      writeFileSync(
        counter,
        `const real = String.prototype.localeCompare
let calls = 0
String.prototype.localeCompare = function (...args) { calls++; return real.apply(this, args) }
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, String(calls)))
`,
      )
      const collations = async (names: string[]) => {
        const profiles = names.map((name, i) => ({apiUrl: DEFAULT_API_URL, authType: 'api-key', id: `id-${i}`, keyHint: 'llx-…0000', name, projectId: 'p1'}))
        const environments = [{apiUrl: DEFAULT_API_URL, currentProfile: null, minLlamactlVersion: null, requiresAuth: true}]
        writeFileSync(path.join(dir, 'config.json'), JSON.stringify({currentEnvironment: DEFAULT_API_URL, environments, profiles, schemaVersion: 1}), {
          mode: 0o600,
        })
        const result = await runCli(['auth', 'list', '--json'], {
          env: {LLAMACTL_CONFIG_DIR: dir, LLAMACTL_SECRET_STORE: 'file', NODE_OPTIONS: `--require ${counter}`},
        })
        expect(result.code, result.stderr).to.equal(0)
        return {calls: Number(readFileSync(log, 'utf8')), names: JSON.parse(result.stdout).profiles.map((p: {name: string}) => p.name)}
      }

      expect(await collations(['prod', 'ci-2', 'Dev', 'ci_bot', 'staging.eu', 'my laptop'])).to.deep.equal({
        calls: 0,
        names: ['ci_bot', 'ci-2', 'Dev', 'my laptop', 'prod', 'staging.eu'],
      })
      // The control: a name outside the plain alphabet goes to the real collator.
      const accented = await collations(['Zoë', 'zed', 'Zoe'])
      expect(accented.names).to.deep.equal(['zed', 'Zoe', 'Zoë'])
      expect(accented.calls).to.be.above(0)
    } finally {
      cleanup()
    }
  })

  it('auth list and auth status --offline load none of the heavy modules and four files of the plugin (scripts/bundle.mjs; the router of bin/run.js first); auth logout (which rewrites secrets.json) does load the lock code', async () => {
    const {cleanup, dir} = tempConfigDir()
    try {
      const loaded = async (args: string[]) => {
        const log = path.join(dir, `${args.join('-')}.log`)
        writeFileSync(log, '')
        const result = await runCli(args, {
          env: {
            LLAMACTL_CONFIG_DIR: path.join(dir, 'config'),
            LLAMACTL_SECRET_STORE: 'file',
            LLAMACTL_TEST_IMPORT_LOG: log,
            NODE_OPTIONS: `--import ${RECORDER}`,
          },
        })
        expect(result.code, result.stderr).to.equal(0)
        const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean)
        expect(urls.some((u) => u.endsWith(`/dist/commands/auth/${args[1]}.js`))).to.equal(true)
        const dist = pathToFileURL(path.join(ROOT, 'dist')).href + '/'
        ours[args.join(' ')] = [...new Set(urls.filter((u) => u.startsWith(dist)).map((u) => u.slice(dist.length)))]
        return urls.filter((u) => HEAVY.test(u))
      }
      const ours: Record<string, string[]> = {}

      const id = '00000000-0000-4000-8000-000000000001'
      const profile = {apiUrl: DEFAULT_API_URL, authType: 'api-key', id, keyHint: 'llx-…cdef', name: 'ci', projectId: 'p1'}
      const environments = [{apiUrl: DEFAULT_API_URL, currentProfile: 'ci', minLlamactlVersion: null, requiresAuth: true}]
      mkdirSync(path.join(dir, 'config'), {mode: 0o700})
      const doc = {currentEnvironment: DEFAULT_API_URL, environments, profiles: [profile], schemaVersion: 1}
      writeFileSync(path.join(dir, 'config', 'config.json'), JSON.stringify(doc), {mode: 0o600})
      const secrets = {schemaVersion: 1, secrets: {[`profile:${id}`]: JSON.stringify({apiKey: 'llx-startup-0123456789abcdef'})}}
      writeFileSync(path.join(dir, 'config', 'secrets.json'), JSON.stringify(secrets), {mode: 0o600})

      expect(await loaded(['auth', 'list'])).to.deep.equal([])
      expect(await loaded(['auth', 'status', '--offline'])).to.deep.equal([])
      // Each ES module costs its own resolve, read, compile and link: the router, the init hook, the command and two chunks, not twenty modules.
      expect(ours['auth list']).to.deep.equal(['route-argv.js', 'chunks/shared.js', 'hooks/compile-cache.js', 'commands/auth/list.js', 'chunks/core.js'])
      expect(ours['auth status --offline']).to.deep.equal([
        'route-argv.js',
        'chunks/shared.js',
        'hooks/compile-cache.js',
        'commands/auth/status.js',
        'chunks/core.js',
      ])
      // The positive control: logout rewrites secrets.json, under the lock.
      const logout = await loaded(['auth', 'logout', 'ci', '--no-interactive'])
      expect(logout.some((u) => u.endsWith('/dist/chunks/file-lock.js'))).to.equal(true)
    } finally {
      cleanup()
    }
  })
})
