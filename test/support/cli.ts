import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const RUN_JS = path.join(ROOT, 'bin', 'run.js')

export interface CliResult {
  code: null | number
  signal: NodeJS.Signals | null
  stderr: string
  stdout: string
}

export interface RunOptions {
  /** The child's working directory (default: this process's). */
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Written to the child's stdin, which is then closed. */
  input?: string
  /** Start bin/run.js itself, through its `#!` line, as a shell would (default: `node -- bin/run.js`). */
  shebang?: boolean
  /** Hard bound on the child's run time. */
  timeoutMs?: number
}

let cacheDir: string | undefined
/** The oclif cache dir of the CLIs this test process starts (one, removed at exit). */
export function testCacheDir(): string {
  if (!cacheDir) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llamactl-test-cache-'))
    process.once('exit', () => rmSync(dir, {force: true, recursive: true}))
    cacheDir = dir
  }

  return cacheDir
}

/** A throwaway config dir; removed by `cleanup`. */
export function tempConfigDir(): {cleanup: () => void; dir: string} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llamactl-test-'))
  return {cleanup: () => rmSync(dir, {force: true, recursive: true}), dir}
}

/**
 * Runs the built CLI (`bin/run.js`) as a user would, with stdin/stdout pipes (so non-interactive
 * unless --interactive), CI unset unless given, and a bounded run time.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  // Node's compile cache (bin/run.js) goes to one dir of this test process, not into a test's HOME.
  const env: NodeJS.ProcessEnv = {...process.env, CI: undefined, LLAMACTL_CACHE_DIR: testCacheDir(), ...options.env}
  // An undefined value removes the variable from the child's environment.
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name]
  return new Promise((resolve, reject) => {
    // `--` as in bin/run.js's `#!` line: node must not read the command's arguments (see there).
    const [file, argv] = options.shebang ? [RUN_JS, args] : [process.execPath, ['--', RUN_JS, ...args]]
    const child = spawn(file, argv, {cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stderr, stdout})
    })
    child.stdin.end(options.input ?? '')
  })
}
