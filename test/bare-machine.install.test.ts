import {expect} from 'chai'
import {accessSync, constants, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import path from 'node:path'

import {cleanEnv, ROOT, run, stageCheckout, tempDir} from './fixtures/host/stage.js'
import {TestControlPlane} from './support/control-plane-server.js'

/** Where a command is on this machine's PATH (the test needs them all: `npm test` checked). */
function which(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const file = path.join(dir, command)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // Not here (or not executable): try the next directory.
    }
  }

  throw new Error(`${command} is not on PATH`)
}

/** A bin dir holding only these commands (symlinks to the real ones): a machine that lacks the rest. */
function pathWith(parent: string, commands: string[]): string {
  const bin = path.join(parent, `bin-${commands.length}`)
  mkdirSync(bin)
  for (const command of commands) symlinkSync(which(command), path.join(bin, command))
  return bin
}

describe('a newcomer on a bare machine', function () {
  this.timeout(180_000)
  let tmp: string
  before(() => {
    tmp = tempDir('llamactl-bare-')
  })
  after(() => rmSync(tmp, {force: true, recursive: true}))

  describe('without keytar (an optional dependency that did not install)', () => {
    let stage: string
    before(() => {
      stage = stageCheckout(tmp)
      rmSync(path.join(stage, 'dist'), {force: true, recursive: true})
      // node_modules as npm leaves it when keytar's install fails: every package but keytar.
      mkdirSync(path.join(stage, 'node_modules'))
      for (const name of readdirSync(path.join(ROOT, 'node_modules')))
        if (name !== 'keytar' && name !== '.package-lock.json') symlinkSync(path.join(ROOT, 'node_modules', name), path.join(stage, 'node_modules', name))
    })

    it('builds (npm run build, as scripts/demo.sh does) without keytar files', async () => {
      const built = await run('npm', ['run', '--silent', 'build'], {cwd: stage, env: cleanEnv({HOME: tmp}), timeoutMs: 150_000})
      expect(built.code, `${built.stdout}${built.stderr}`).to.equal(0)
      expect(readdirSync(path.join(stage, 'dist', 'chunks'))).to.include('core.js')
    })

    it('then runs: auth token stores the key in the file with the one fallback warning, and auth list shows it', async () => {
      const server = await new TestControlPlane().start()
      try {
        const env = cleanEnv({HOME: tmp, LLAMACTL_CONFIG_DIR: path.join(tmp, 'config'), LLAMACTL_HTTP_TIMEOUT_MS: '5000'})
        const bin = path.join(stage, 'bin', 'run.js')
        for (const args of [
          ['auth', 'env', 'add', server.url],
          ['auth', 'env', 'switch', server.url],
        ]) {
          const result = await run(process.execPath, [bin, ...args], {env})
          expect(result.code, result.stderr).to.equal(0)
        }

        const token = await run(process.execPath, [bin, 'auth', 'token', '--api-key', server.addKey(), '--project-id', 'p1', '--name', 'newcomer'], {env})
        expect(token.code, token.stderr).to.equal(0)
        const warnings = token.stderr.split('\n').filter((line) => line.startsWith('Warning:'))
        expect(warnings).to.have.length(1)
        // One line under 100 columns pointing at `config show-db` (which names the file and how to
        // silence it); the cause is auth status's to show.
        expect(warnings[0]).to.include('`llamactl config show-db`').and.not.include('keytar')
        expect(warnings[0].length).to.be.below(100)
        const list = await run(process.execPath, [bin, 'auth', 'list'], {env})
        expect(list.code, list.stderr).to.equal(0)
        expect(list.stdout).to.include('newcomer')
        const status = await run(process.execPath, [bin, 'auth', 'status', '--offline'], {env})
        expect(status.code, status.stderr).to.equal(0)
        expect(status.stdout).to.match(/^Secret store: +file \(no OS keychain: keytar could not be loaded: /m)
      } finally {
        await server.stop()
      }
    })

    it('npm test stops at once, saying keytar is not built and what to install', async () => {
      const started = Date.now()
      const result = await run('bash', [path.join(stage, 'scripts', 'test.sh')], {cwd: stage, env: cleanEnv({HOME: tmp}), timeoutMs: 30_000})
      expect(result.code).to.equal(1)
      expect(result.stderr.trim().split('\n')).to.have.length(1)
      expect(result.stderr)
        .to.include('lacks keytar')
        .and.include('apt-get install -y --no-install-recommends libsecret-1-dev pkg-config g++ make python3, then npm ci')
      expect(Date.now() - started).to.be.lessThan(15_000)
    })
  })

  describe('npm test without the system packages it needs', () => {
    const testSh = path.join(ROOT, 'scripts', 'test.sh')

    it('stops at once with one line naming the exact apt-get install line, before building anything', async () => {
      const started = Date.now()
      const result = await run('/bin/bash', [testSh], {env: cleanEnv({HOME: tmp, PATH: pathWith(tmp, ['node'])}), timeoutMs: 30_000})
      expect(result.code).to.equal(1)
      expect(result.stdout).to.equal('')
      expect(result.stderr.trim().split('\n'), result.stderr).to.have.length(1)
      expect(result.stderr).to.include(
        'lacks dbus-run-session, dbus-send, gnome-keyring-daemon, openssl, python3, zsh, groff, man, script, fish, chromium. Install them (as root): apt-get install -y --no-install-recommends dbus gnome-keyring openssl python3 zsh groff man-db bsdutils fish chromium python3-dotenv\n',
      )
      expect(Date.now() - started).to.be.lessThan(10_000)
    })

    it('names only what is missing: a machine without gnome-keyring gets apt-get install ... gnome-keyring', async () => {
      const all = ['node', 'dbus-run-session', 'dbus-send', 'groff', 'man', 'openssl', 'chromium', 'script', 'zsh', 'fish', 'python3']
      const result = await run('/bin/bash', [testSh], {env: cleanEnv({HOME: tmp, PATH: pathWith(tmp, all)}), timeoutMs: 30_000})
      expect(result.code).to.equal(1)
      expect(result.stderr).to.equal(
        'npm test: this machine lacks gnome-keyring-daemon. Install them (as root): apt-get install -y --no-install-recommends gnome-keyring\n',
      )
    })

    it('asks for no more than .ci/run installs and the README lists', () => {
      const script = readFileSync(testSh, 'utf8')
      const packages = [
        ...[...script.matchAll(/[\w-]+:([\w.-]+)/g)].map((m) => m[1]).filter((p) => !p.startsWith('-')),
        ...script.match(/KEYTAR_BUILD_PACKAGES="([^"]+)"/)![1].split(' '),
      ]
      const ci = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8').replaceAll('\\\n', ' ')
      const aptLine = ci.split('\n').find((line) => line.includes('apt-get install'))!
      const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
      for (const p of new Set(packages)) {
        expect(aptLine.split(/\s+/), `.ci/run installs ${p}`).to.include(p)
        expect(readme, `README names ${p}`).to.include(p)
      }
    })
  })
})
