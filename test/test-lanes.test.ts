import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, symlinkSync} from 'node:fs'
import path from 'node:path'

import {ROOT, tempConfigDir} from './support/cli.js'
import {sourceConfig} from './support/in-process-cli.js'

/** Every test file under test/, relative to the repository root. */
function testFiles(dir = path.join(ROOT, 'test')): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(file)
    return entry.name.endsWith('.test.ts') ? [path.relative(ROOT, file)] : []
  })
}

const unitFiles = () => testFiles().filter((file) => !/\.(e2e|install)\.test\.ts$/.test(file))
/** This file: it names what it looks for. */
const SELF = path.join('test', 'test-lanes.test.ts')

describe('test lanes (CONTRIBUTING.md, "Run the tests")', () => {
  it('no unit-lane file starts the built CLI or reads dist/: those tests are *.e2e.test.ts', () => {
    const offenders: string[] = []
    for (const file of unitFiles().filter((f) => f !== SELF)) {
      const text = readFileSync(path.join(ROOT, file), 'utf8')
      if (/\brunCli\(|\bRUN_JS\b|bin\/run\.js'|'dist'|oclif\.manifest\.json/.test(text)) offenders.push(`${file}: runs bin/run.js or reads the build`)
      // The fixture runs the CLI as a child unless told to run it in this process.
      for (const call of text.matchAll(/\bsetUp\(([^)]*)\)/g))
        if (!call[1].includes('inProcess: true')) offenders.push(`${file}: setUp(${call[1]}) without inProcess`)
    }

    expect(offenders).to.deep.equal([])
    expect(unitFiles().length).to.be.greaterThan(40)
  })

  it('`npm run test:unit` on a bare machine asks only for what the unit lane needs (no chromium, groff, man, script or fish)', async () => {
    const temp = tempConfigDir()
    try {
      const bin = path.join(temp.dir, 'bin')
      mkdirSync(bin)
      symlinkSync(process.execPath, path.join(bin, 'node'))
      const result = await new Promise<{code: null | number; stderr: string}>((resolve) => {
        execFile('/bin/bash', [path.join(ROOT, 'scripts', 'test.sh'), 'unit'], {env: {HOME: temp.dir, PATH: bin}, timeout: 30_000}, (error, _stdout, stderr) =>
          resolve({code: error ? Number(error.code) : 0, stderr}),
        )
      })
      expect(result.code).to.equal(1)
      expect(result.stderr).to.equal(
        'npm test: this machine lacks dbus-run-session, dbus-send, gnome-keyring-daemon, openssl, python3, zsh. Install them (as root): apt-get install -y --no-install-recommends dbus gnome-keyring openssl python3 zsh python3-dotenv\n',
      )
    } finally {
      temp.cleanup()
    }
  })

  it('in-process runs load the commands from src/, even where a build left dist/ and oclif.manifest.json', async () => {
    const config = await sourceConfig()
    const loaded = await config.findCommand('auth:list', {must: true}).load()
    // import(), as oclif loads commands: the same module instance when it is the source file.
    const source = (await import('../src/commands/auth/list.js')).default
    expect(loaded).to.equal(source)
    expect(config.commandIDs).to.include.members(['auth:list', 'auth:token', 'completion:generate', 'help'])
  })
})
