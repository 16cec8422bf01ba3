import {expect} from 'chai'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'

import {fails, Fixture, ok, setUp} from '../../support/fixture.js'

/** A node one-liner as `auth exec` arguments. */
const node = (script: string) => ['--', process.execPath, '-e', script]

describe('auth exec', function () {
  this.timeout(30_000)
  let f: Fixture

  beforeEach(async () => {
    f = await setUp({inProcess: true})
    await f.addApiKeyProfile({name: 'ci', projectId: 'p1'})
  })
  afterEach(() => f.cleanup())

  it("passes the command's exit status through (3)", async () => {
    const result = await f.run(['auth', 'exec', ...node('process.exit(3)')])
    expect(result.code).to.equal(3)
    expect(result.stderr).to.equal('')
  })

  it('a command killed by SIGTERM: exit 143 (128 + 15)', async () => {
    const result = await f.run(['auth', 'exec', ...node("process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000)")])
    expect(result.code).to.equal(143)
    expect(result.stderr).to.equal('')
  })

  it('a command that cannot be started: exit 127 with one line', async () => {
    const result = await f.run(['auth', 'exec', '--', 'no-such-command-llamactl'])
    fails(result, 127, /^Error: Could not start "no-such-command-llamactl" \(not found\)\. Check the command name and PATH$/)
  })

  it('without a command after -- it is a usage error (exit 2)', async () => {
    fails(await f.run(['auth', 'exec']), 2, /Missing the command to run/)
    fails(await f.run(['auth', 'exec', '--']), 2, /Missing the command to run/)
  })

  it('no credentials: exit 1 with the one line, and the command does not run', async () => {
    ok(await f.run(['auth', 'logout', 'ci']))
    const result = await f.run(['auth', 'exec', ...node("console.log('ran')")])
    fails(result, 1, /^Error: No credentials: /)
    expect(result.stdout).to.equal('')
  })

  it('writes nothing to disk and makes no network call', async () => {
    const snapshot = () =>
      readdirSync(f.dir).map((name) => [
        name,
        statSync(path.join(f.dir, name)).mtimeMs,
        statSync(path.join(f.dir, name)).isFile() ? readFileSync(path.join(f.dir, name), 'utf8') : '',
      ])
    const before = snapshot()
    const requests = f.server.requests.length
    ok(await f.run(['auth', 'exec', ...node('0')]))
    expect(snapshot()).to.deep.equal(before)
    expect(f.server.requests.length).to.equal(requests)
  })
})
