import {expect} from 'chai'
import {spawn} from 'node:child_process'
import path from 'node:path'

import {ROOT} from '../../support/cli.js'
import {fails, Fixture, ok, setUp} from '../../support/fixture.js'
import {PrivateKeyring, startPrivateKeyring} from '../../support/keychain.js'

const COMPLETER = path.join(ROOT, 'dist', 'completion', 'complete.js')
/** The keychain deadline these tests set (LLAMACTL_KEYCHAIN_TIMEOUT_MS), and what Node's start may add under load. */
const DEADLINE_MS = 2000
const SLACK_MS = 3000

describe('a hung keychain (a real gnome-keyring stopped with SIGSTOP, in its own D-Bus session): every command ends within its bound', function () {
  this.timeout(90_000)
  let f: Fixture
  let keyring: PrivateKeyring
  let env: NodeJS.ProcessEnv
  beforeEach(async () => {
    f = await setUp({secretStore: 'auto'})
    keyring = await startPrivateKeyring()
    env = {...keyring.env, LLAMACTL_KEYCHAIN_TIMEOUT_MS: String(DEADLINE_MS)}
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kc'], {env}))
    await keyring.pause()
  })
  afterEach(async () => {
    await keyring.stop()
    await f.cleanup()
  })

  /** Runs the CLI against the stopped keyring; how long until it exited. */
  async function timed(args: string[]) {
    const started = Date.now()
    // Far past the bound: the old code's exit waited for GDBus's own 25 s timeout.
    const result = await f.run(args, {env, timeoutMs: 40_000})
    return {ms: Date.now() - started, result}
  }

  it('auth status --offline (a read) exits 1 with the one-line deadline error, within the deadline', async () => {
    const {ms, result} = await timed(['auth', 'status', '--offline'])
    fails(result, 1, /The OS keychain did not answer within 2s \(read\).*LLAMACTL_SECRET_STORE=file/)
    expect(ms, 'exit within the deadline').to.be.lessThan(DEADLINE_MS + SLACK_MS)
  })

  it('auth token (a write) exits 1 within the deadline, and no profile is saved', async () => {
    const {ms, result} = await timed(['auth', 'token', '--api-key', f.server.addKey(), '--project-id', 'p1', '--name', 'new'])
    fails(result, 1, /The OS keychain did not answer within 2s/)
    expect(ms, 'exit within the deadline').to.be.lessThan(DEADLINE_MS + SLACK_MS)
    expect(JSON.parse(f.configText()).profiles.map((p: {name: string}) => p.name)).to.deep.equal(['kc'])
  })

  it('auth list, which reads no secret, answers at once: it asks the stopped keychain nothing', async () => {
    const {ms, result} = await timed(['auth', 'list'])
    expect(ok(result).stdout).to.include('kc')
    expect(ms).to.be.lessThan(SLACK_MS)
  })

  it('a TAB that needs the key (project ids of a keychain profile) answers nothing, exit 0, within its 2 s bound', async () => {
    const tabEnv: NodeJS.ProcessEnv = {...process.env, ...env, LLAMACTL_CONFIG_DIR: f.dir, XDG_CACHE_HOME: path.join(f.dir, 'cache')}
    for (const name of ['DISPLAY', 'LLAMACTL_SECRET_STORE', 'LLAMA_CLOUD_API_KEY', 'NODE_OPTIONS']) delete tabEnv[name]
    const started = Date.now()
    const tab = await new Promise<{code: null | number; stdout: string}>((resolve) => {
      const child = spawn(process.execPath, [COMPLETER, ROOT, 'bash', 'llamactl auth project --profile kc ', ''], {env: tabEnv})
      let stdout = ''
      child.stdout.on('data', (d) => (stdout += d))
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({code, stdout})
      })
    })
    expect(tab).to.deep.equal({code: 0, stdout: ''})
    expect(Date.now() - started, 'the TAB answered within its bound').to.be.lessThan(2000 + SLACK_MS)
  })
})
