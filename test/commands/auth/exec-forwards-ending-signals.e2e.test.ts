import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {constants} from 'node:os'

import {RUN_JS} from '../../support/cli.js'
import {Fixture, setUp} from '../../support/fixture.js'

/**
 * `auth exec` with a command that prints its pid and then waits: a signal that would end
 * llamactl must reach the command too, or the command keeps running, orphaned, with the key.
 */
describe('auth exec forwards every signal that would end llamactl (SIGUSR1, SIGUSR2, SIGALRM, …): no orphaned command', function () {
  this.timeout(60_000)
  let f: Fixture

  beforeEach(async () => {
    f = await setUp()
    await f.addApiKeyProfile({name: 'ci', projectId: 'p1'})
  })
  afterEach(() => f.cleanup())

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }

  /** `auth exec -- sh -c 'echo $$; exec sleep 30'`: resolves the command's pid once printed, and llamactl's exit. */
  function start() {
    const child = spawn(process.execPath, [RUN_JS, 'auth', 'exec', '--', 'sh', '-c', 'echo $$; exec sleep 30'], {
      env: {...process.env, ...f.env},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    const done = new Promise<{code: null | number; signal: NodeJS.Signals | null}>((resolve) =>
      child.on('close', (code, signal) => {
        clearTimeout(timer)
        resolve({code, signal})
      }),
    )
    const pid = new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d
        if (stdout.includes('\n')) resolve(Number(stdout.trim()))
      })
      child.on('close', () => reject(new Error(`exited before the command started: ${stderr}`)))
    })
    return {child, done, pid}
  }

  for (const signal of ['SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGVTALRM', 'SIGXCPU'] as const)
    it(`${signal}: the command gets it and ends, llamactl exits 128 + ${constants.signals[signal]} after it`, async () => {
      const run = start()
      const commandPid = await run.pid
      try {
        expect(alive(commandPid)).to.equal(true)
        run.child.kill(signal)
        const result = await run.done
        expect(result, JSON.stringify(result)).to.deep.equal({code: 128 + constants.signals[signal], signal: null})
        // llamactl waited for the command: it is gone (a bounded wait for the kernel to reap it).
        for (let i = 0; i < 50 && alive(commandPid); i++) await new Promise((resolve) => setTimeout(resolve, 20))
        expect(alive(commandPid), 'the command outlived llamactl').to.equal(false)
      } finally {
        if (alive(commandPid)) process.kill(commandPid, 'SIGKILL')
      }
    })
})
