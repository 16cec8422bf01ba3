import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {CliResult, runCli, RunOptions, tempConfigDir} from './cli.js'
import {ControlPlaneOptions, TestControlPlane} from './control-plane-server.js'

export interface Fixture {
  cleanup(): Promise<void>
  /** The config dir's files as text, to check that no secret ever lands there. */
  configText(): string
  dir: string
  env: NodeJS.ProcessEnv
  key: string
  run(args: string[], options?: RunOptions): Promise<CliResult>
  server: TestControlPlane
}

/**
 * A loopback control plane with one API key, a throwaway config dir, and the CLI switched to
 * that environment. Secrets go to the file store unless `secretStore` says otherwise.
 */
export async function setUp(options: ControlPlaneOptions & {secretStore?: string} = {}): Promise<Fixture> {
  const server = await new TestControlPlane(options).start()
  const key = server.addKey()
  const {cleanup, dir} = tempConfigDir()
  const env: NodeJS.ProcessEnv = {LLAMACTL_CONFIG_DIR: dir, LLAMACTL_HTTP_TIMEOUT_MS: '3000'}
  if (options.secretStore !== 'auto') env.LLAMACTL_SECRET_STORE = options.secretStore ?? 'file'
  const run = (args: string[], runOptions: RunOptions = {}) => runCli(args, {...runOptions, env: {...env, ...runOptions.env}})
  ok(await run(['auth', 'env', 'add', server.url]))
  ok(await run(['auth', 'env', 'switch', server.url]))
  return {
    async cleanup() {
      await server.stop()
      cleanup()
    },
    configText() {
      return readFileSync(path.join(dir, 'config.json'), 'utf8')
    },
    dir,
    env,
    key,
    run,
    server,
  }
}

/** Asserts exit 0, showing stderr when it isn't. */
export function ok(result: CliResult): CliResult {
  expect(result.code, `exit code; stderr: ${result.stderr}`).to.equal(0)
  return result
}

/** Asserts a failure: the exit code and exactly one `Error: ` line on stderr that matches. */
export function fails(result: CliResult, code: number, pattern: RegExp): void {
  expect(result.code, `exit code; stderr: ${result.stderr}`).to.equal(code)
  const errors = result.stderr.split('\n').filter((l) => l.startsWith('Error: '))
  expect(errors, result.stderr).to.have.length(1)
  expect(errors[0]).to.match(pattern)
  expect(result.stderr).not.to.match(/\n\s+at .+:\d+:\d+/) // no stack trace
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index into the parsed document freely
export const json = (result: CliResult): any => JSON.parse(result.stdout)
