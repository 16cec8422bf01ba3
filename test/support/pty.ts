import {spawn} from 'node:child_process'

import {RUN_JS} from './cli.js'

export const KEYS = {ctrlC: '\u0003', down: '\u001B[B', enter: '\r', up: '\u001B[A'} as const

export interface PtyStep {
  /** Keys to type once `waitFor` has appeared on the screen since the previous step. */
  send: string
  waitFor: RegExp | string
}

export interface PtyResult {
  code: null | number
  /** Everything the terminal showed (stdout and stderr together, as a person sees them). */
  screen: string
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string) => s.replaceAll(/\u001B\[[\d;?]*[A-Za-z]/g, '')

/**
 * Runs the built CLI in a real pseudo-terminal (util-linux `script`), so it sees a TTY and
 * prompts as it would for a person; each step waits for text on the screen, then types.
 * Bounded: the whole run is killed after `timeoutMs`.
 */
export function runInPty(args: string[], options: {env?: NodeJS.ProcessEnv; steps: PtyStep[]; timeoutMs?: number}): Promise<PtyResult> {
  const env: NodeJS.ProcessEnv = {...process.env, ...options.env, TERM: 'xterm'}
  delete env.CI
  // A pty made by script has no size; prompts size their lists by it.
  const command = `stty rows 40 cols 120; ${[process.execPath, RUN_JS, ...args].map(quote).join(' ')}`
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {env, stdio: ['pipe', 'pipe', 'pipe']})
    let screen = ''
    let seen = 0
    let step = 0
    const advance = () => {
      while (step < options.steps.length) {
        const {send, waitFor} = options.steps[step]
        const rest = stripAnsi(screen).slice(seen)
        const match = typeof waitFor === 'string' ? rest.indexOf(waitFor) : rest.search(waitFor)
        if (match < 0) return
        seen += match + 1
        step++
        child.stdin.write(send)
      }
    }

    child.stdout.on('data', (d) => {
      screen += d
      advance()
    })
    child.stderr.on('data', (d) => (screen += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (step < options.steps.length) {
        reject(new Error(`the CLI ended (exit ${code}) before step ${step + 1} (waiting for ${options.steps[step].waitFor}); screen:\n${stripAnsi(screen)}`))
        return
      }

      resolve({code, screen: stripAnsi(screen)})
    })
  })
}
