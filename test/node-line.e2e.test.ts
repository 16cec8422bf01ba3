import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {ROOT, RUN_JS, runCli, tempConfigDir} from './support/cli.js'

const KEY = 'llx-Zq8vT3mN5pR7wY2kL9cB4dF6gH1jS0aQeXuViO'

/** The machine's own Node when it is older than 22 (these machines ship 20), else undefined. */
function olderSystemNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue
    const major = Number(execFileSync(candidate, ['-p', 'process.versions.node.split(".")[0]'], {encoding: 'utf8'}).trim())
    if (major < 22) return candidate
  }

  return undefined
}

describe('the Node line: start-up on a Node that is too old, and the debuggable bundle', function () {
  this.timeout(60_000)

  it('engines asks for Node 22 or newer, the oldest maintained LTS line', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {engines: {node: string}}
    expect(pkg.engines.node).to.equal('>=22.0.0')
  })

  it('on a Node older than 22, bin/run.js says which Node it needs in one line, exit 1, no stack trace', function () {
    const old = olderSystemNode()
    if (!old) this.skip() // every Node on this machine is supported: nothing to start llamactl on
    let stderr = ''
    let code = 0
    try {
      execFileSync(old, ['--', RUN_JS, 'auth', 'list'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
    } catch (error) {
      ;({status: code, stderr} = error as {status: number; stderr: string})
    }

    expect(code).to.equal(1)
    expect(stderr.trim().split('\n')).to.have.length(1)
    expect(stderr).to.match(/^Error: llamactl needs Node\.js 22 or newer, and this is Node\.js 20\.\d+\.\d+\. Install a current LTS/)
    expect(stderr).not.to.match(/\n\s+at /)
  })

  it('DEBUG=llamactl*: the stack trace of an error names src/*.ts lines through the shipped source maps, with the key in it redacted', async () => {
    expect(existsSync(path.join(ROOT, 'dist', 'chunks', 'core.js.map')), 'dist/ ships source maps').to.equal(true)
    const {cleanup, dir} = tempConfigDir()
    try {
      const result = await runCli(['auth', 'switch', KEY], {env: {DEBUG: 'llamactl*', LLAMACTL_CONFIG_DIR: dir}})
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(/\bsrc\/stores\/profile-store\.ts:\d+:\d+\)/)
      expect(result.stderr).to.match(/\bsrc\/commands\/auth\/switch\.ts:\d+:\d+\)/)
      expect(result.stderr).not.to.match(/dist\/chunks\/core\.js:\d+/)
      expect(result.stderr).not.to.include(KEY)
    } finally {
      cleanup()
    }
  })

  it('without DEBUG the same error is its one line, no stack', async () => {
    const {cleanup, dir} = tempConfigDir()
    try {
      const result = await runCli(['auth', 'switch', 'nosuch'], {env: {DEBUG: undefined, LLAMACTL_CONFIG_DIR: dir}})
      expect(result.code).to.equal(1)
      expect(result.stderr.trim().split('\n')).to.have.length(1)
      expect(result.stderr).to.match(/^Error: No profile named "nosuch"/)
    } finally {
      cleanup()
    }
  })
})
