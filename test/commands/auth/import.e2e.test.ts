import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {constants} from 'node:os'
import {chmodSync, chownSync, existsSync, readdirSync, rmSync, watch} from 'node:fs'
import path from 'node:path'

import {CliResult, RUN_JS, runCli, testCacheDir} from '../../support/cli.js'
import {json, ok} from '../../support/fixture.js'
import {readConfig, readSecrets} from '../../support/login-session.js'
import {buildProfilesDb, fingerprint, PY_DEFAULT_API_URL, ProfilesDbSpec} from '../../support/python-profiles-db.js'
import {firstRunImports, lines, profilesDbScene, SUMMARY, V2} from './import.cases.js'

describe('taking over the Python llamactl: profiles.db', function () {
  this.timeout(60_000)
  const scene = profilesDbScene(runCli)
  const {env, run} = scene

  describe('on the first run (a profiles.db and no config.json)', () => {
    it('auth list imports it, says what came over in one stderr line, and leaves profiles.db byte-identical with its mtime', () =>
      firstRunImports(run, scene.dir))

    it('imports once when two CLI processes start at once (under the config lock)', async () => {
      for (let round = 0; round < 3; round++) {
        if (round > 0) {
          scene.renew()
        }

        buildProfilesDb(scene.source, V2)

        const results = await Promise.all([run(['auth', 'list', '--json']), run(['auth', 'env', 'list', '--json'])])
        for (const result of results) ok(result)
        const imported = results.filter((r) => SUMMARY.test(lines(r.stderr)[0] ?? ''))
        expect(imported, `round ${round}: ${results.map((r) => r.stderr).join(' | ')}`).to.have.length(1)
        expect(results.map((r) => lines(r.stderr).length).sort()).to.deep.equal([0, 1])
        const config = readConfig(scene.dir)
        expect(config.profiles.map((p) => p.name).sort()).to.deep.equal(['alice@example.com', 'local', 'work'])
        expect(config.environments).to.have.length(2)
        // Exactly one set of secrets, each belonging to a profile in the config: nothing orphaned.
        expect(Object.keys(readSecrets(scene.dir)).sort()).to.deep.equal(
          config.profiles
            .filter((p) => p.authType !== 'none')
            .map((p) => `profile:${p.id}`)
            .sort(),
        )
        // Both saw the imported profiles.
        expect(json(results[0]).profiles).to.have.length(2)
        expect(json(results[1]).environments).to.have.length(2)
      }
    })
  })

  describe('auth import', () => {
    describe('refuses a bad source with one line, exit 1, and imports nothing', () => {
      it('an unreadable file (mode 0600 of another user; as root the CLI runs as nobody, since root reads any file)', async function () {
        buildProfilesDb(scene.source, V2)
        const before = fingerprint(scene.source)
        let result: CliResult
        if (process.getuid?.() === 0) {
          chownSync(scene.dir, 65_534, 65_534)
          chmodSync(scene.source, 0o600) // owned by root
          result = await runAs(65_534, ['auth', 'import', '--json'], {...env(), HOME: scene.dir, LLAMACTL_CACHE_DIR: testCacheDir()})
        } else {
          chmodSync(scene.source, 0)
          result = await run(['auth', 'import', '--json'])
        }

        chmodSync(scene.source, 0o644)
        expect(result.code, result.stderr).to.equal(1)
        expect(json(result).error.code).to.equal('import_unreadable')
        expect(lines(result.stderr)).to.deep.equal([
          `Error: Could not read ${scene.source}: permission denied. Make it a file you can read, then run \`llamactl auth import\`; nothing was imported`,
        ])
        expect(readdirSync(scene.dir)).to.deep.equal(['profiles.db'])
        expect(fingerprint(scene.source)).to.deep.equal(before)
      })
    })
  })

  describe('at scale and under interruption (file store)', () => {
    /** `n` API-key profiles of the default environment. */
    const many = (n: number): ProfilesDbSpec => ({
      profiles: Array.from({length: n}, (_, i) => ({api_key: `llx-many-${i}-abcdefghijklmnop`, api_url: PY_DEFAULT_API_URL, name: `p-${i}`, project_id: 'p1'})),
    })

    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      it(`${signal} during a first-run import of 10,000 rows, as the secrets are written: no key left behind, no profile, no lock, exit 128 + its number; the next run imports all once`, async function () {
        this.timeout(120_000)
        buildProfilesDb(scene.source, many(10_000))
        let interrupted = false
        // The signal goes out when the secrets file's lock appears (inotify); a run that finished before it arrived is tried again (bounded).
        for (let attempt = 0; attempt < 3 && !interrupted; attempt++) {
          for (const name of readdirSync(scene.dir)) if (name !== 'profiles.db') rmSync(path.join(scene.dir, name), {force: true, recursive: true})
          const child = spawn(process.execPath, ['--', RUN_JS, 'auth', 'list', '--json'], {
            env: {...process.env, ...env()},
            stdio: ['ignore', 'ignore', 'pipe'],
          })
          let stderr = ''
          child.stderr.on('data', (d) => (stderr += d))
          const watcher = watch(scene.dir, (_event, name) => {
            if (name === 'secrets.json.lock') child.kill(signal)
          })
          const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
          const [code] = await new Promise<[null | number, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])))
          clearTimeout(timer)
          watcher.close()
          expect(readdirSync(scene.dir).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'))).to.deep.equal([])
          const keys = Object.keys(readSecrets(scene.dir)).length
          const profiles = existsSync(path.join(scene.dir, 'config.json')) ? readConfig(scene.dir).profiles.length : 0
          // All or nothing. Whole: the signal came after the config was written (then it still ends the process), or never.
          if (keys === 10_000 && profiles === 10_000) continue
          expect(code, stderr).to.equal(128 + constants.signals[signal])
          expect({keys, profiles}, 'what the interrupted import left').to.deep.equal({keys: 0, profiles: 0})
          interrupted = true
        }

        expect(interrupted, 'no run was interrupted mid-import in 3 tries').to.equal(true)
        const next = ok(await run(['auth', 'list', '--json'], {}))
        expect(json(next).profiles).to.have.length(10_000)
        expect(Object.keys(readSecrets(scene.dir))).to.have.length(10_000)
        expect(new Set(readConfig(scene.dir).profiles.map((p) => p.name)).size).to.equal(10_000)
      })
  })
})

/** Runs the built CLI as another user (root only), for faults root itself can't see. */
function runAs(uid: number, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_JS, ...args], {env: {PATH: process.env.PATH, ...env}, gid: uid, stdio: ['ignore', 'pipe', 'pipe'], uid})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stderr, stdout})
    })
  })
}
