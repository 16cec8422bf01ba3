import {expect} from 'chai'
import {spawn} from 'node:child_process'

import {RUN_JS} from '../../support/cli.js'
import {Fixture, ok, setUp} from '../../support/fixture.js'
import {KEYS, runInPty} from '../../support/pty.js'

/** A node one-liner as `auth exec` arguments. */
const node = (script: string) => ['--', process.execPath, '-e', script]
const PRINT_VARS = node(
  "for (const n of ['LLAMA_CLOUD_API_KEY', 'LLAMA_AGENTS_PROJECT_ID', 'LLAMA_CLOUD_BASE_URL']) console.log(n + '=' + (process.env[n] ?? '<unset>'))",
)
// Prints "ready" once its handler is in place, then reports the signal it gets and exits 7.
const TRAP = (signal: string) =>
  node(`process.on('${signal}', () => { console.log('child got ${signal}'); process.exit(7) }); console.log('ready'); setTimeout(() => {}, 20000)`)

describe('auth exec', function () {
  this.timeout(30_000)
  let f: Fixture

  beforeEach(async () => {
    f = await setUp()
    await f.addApiKeyProfile({name: 'ci', projectId: 'p1'})
  })
  afterEach(() => f.cleanup())

  /** Starts `auth exec` without waiting, for signal tests; resolves its exit code and output. */
  function start(args: string[]) {
    const child = spawn(process.execPath, [RUN_JS, 'auth', 'exec', ...args], {env: {...process.env, ...f.env}, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const done = new Promise<{code: null | number; stderr: string; stdout: string}>((resolve) => {
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({code, stderr, stdout})
      })
    })
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => stdout.includes('ready') && resolve())
      child.on('close', () => reject(new Error(`exited before ready: ${stderr}`)))
    })
    return {child, done, ready}
  }

  it('runs the command with the three variables of the credential, replacing inherited ones', async () => {
    const result = ok(await f.run(['auth', 'exec', ...PRINT_VARS], {env: {LLAMA_CLOUD_BASE_URL: '', LLAMA_CLOUD_USE_PROFILE: '1'}}))
    expect(result.stdout).to.equal(`LLAMA_CLOUD_API_KEY=${f.key}\nLLAMA_AGENTS_PROJECT_ID=p1\nLLAMA_CLOUD_BASE_URL=${f.server.url}\n`)
    expect(result.stderr).to.equal('')
  })

  it('--profile and --project-id pick what is passed; the variables are passed on as resolved', async () => {
    const other = f.server.addKey()
    await f.addApiKeyProfile({apiKey: other, name: 'other', projectId: 'p2'})
    const flag = ok(await f.run(['auth', 'exec', '--profile', 'ci', '--project-id', 'p9', ...PRINT_VARS]))
    expect(flag.stdout).to.equal(`LLAMA_CLOUD_API_KEY=${f.key}\nLLAMA_AGENTS_PROJECT_ID=p9\nLLAMA_CLOUD_BASE_URL=${f.server.url}\n`)
    const vars = ok(await f.run(['auth', 'exec', ...PRINT_VARS], {env: {LLAMA_AGENTS_PROJECT_ID: 'px', LLAMA_CLOUD_API_KEY: 'llx-from-env'}}))
    expect(vars.stdout).to.equal('LLAMA_CLOUD_API_KEY=llx-from-env\nLLAMA_AGENTS_PROJECT_ID=px\nLLAMA_CLOUD_BASE_URL=https://api.cloud.llamaindex.ai\n')
    expect(vars.stderr).to.match(/^Warning: Using LLAMA_CLOUD_API_KEY from the environment \(overriding profile 'other'\)/)
  })

  it("passes the command's exit status through (3)", async () => {
    const result = await f.run(['auth', 'exec', ...node('process.exit(3)')])
    expect(result.code).to.equal(3)
    expect(result.stderr).to.equal('')
  })

  it('passes stdin through to a command that reads it', async () => {
    const result = ok(
      await f.run(['auth', 'exec', ...node("let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => process.stdout.write(s.toUpperCase()))")], {
        input: 'line one\nline two\n',
      }),
    )
    expect(result.stdout).to.equal('LINE ONE\nLINE TWO\n')
  })

  // SIGHUP (the terminal closed) and SIGQUIT: without forwarding, llamactl died and left the command running with the key.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const)
    it(`forwards ${signal} to the command (no terminal) and passes on how it ended`, async () => {
      const run = start(TRAP(signal))
      await run.ready
      run.child.kill(signal)
      const result = await run.done
      expect(result.stdout).to.equal(`ready\nchild got ${signal}\n`)
      expect(result.code).to.equal(7)
    })

  it('Ctrl-C in a terminal reaches the command once, and the exit status says SIGINT (130)', async () => {
    // Counts the SIGINTs it gets for a moment, says how many, then dies of SIGINT itself.
    const script =
      "let n = 0; process.on('SIGINT', () => { if (n++ === 0) setTimeout(() => { console.log('SIGINT x' + n); process.removeAllListeners('SIGINT'); process.kill(process.pid, 'SIGINT') }, 500) }); console.log('ready'); setTimeout(() => {}, 20000)"
    const result = await runInPty(['auth', 'exec', ...node(script)], {env: f.env, steps: [{send: KEYS.ctrlC, waitFor: 'ready'}], timeoutMs: 20_000})
    expect(result.screen).to.include('SIGINT x1')
    expect(result.code, result.screen).to.equal(130)
  })
})
