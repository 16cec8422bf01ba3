import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import type {ProfileRecord} from '../../src/model.js'
import {DefaultServices} from '../../src/services/factory.js'
import {secretAccount} from '../../src/stores/secret-store.js'
import {redactKey} from '../../src/ui/redact.js'
import {CliResult, ROOT, runCli, RunOptions, tempConfigDir} from './cli.js'
import {ControlPlaneOptions, TestControlPlane} from './control-plane-server.js'
import {runInProcess} from './in-process-cli.js'

export interface Fixture {
  /**
   * What `auth token --api-key KEY --project-id ID [--name NAME]` leaves behind, written in-process:
   * the API-key profile in config.json, current, its key in the secret store (the real one, as
   * the CLI would use it). For tests whose subject is another command; `auth token` itself is
   * tested through the CLI in token.test.ts (in-process) and token.e2e.test.ts.
   */
  addApiKeyProfile(options: {apiKey?: string; name?: string; projectId: string}): Promise<ProfileRecord>
  cleanup(): Promise<void>
  /** The config dir's files as text, to check that no secret ever lands there. */
  configText(): string
  dir: string
  env: NodeJS.ProcessEnv
  key: string
  /** Runs the CLI: a child process on the built bin/run.js, or with `inProcess` this process on src/ (see runInProcess). */
  run(args: string[], options?: RunOptions): Promise<CliResult>
  server: TestControlPlane
}

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {version: string}).version

/**
 * A loopback control plane with one API key, a throwaway config dir, and the CLI switched to
 * that environment. Secrets go to the file store unless `secretStore` says otherwise.
 *
 * The config is written in-process, through the real services, as `auth env add URL` and
 * `auth env switch URL` would write it (the probe of the server included): two CLI start-ups
 * per test saved. Those commands are tested through the CLI in env.e2e.test.ts.
 *
 * `inProcess: true` makes `run` run the commands in this process, on src/ with no build (the
 * unit lane, `*.test.ts`); without it `run` starts the built CLI (the e2e lane, `*.e2e.test.ts`).
 */
export async function setUp(options: ControlPlaneOptions & {inProcess?: boolean; secretStore?: string} = {}): Promise<Fixture> {
  const server = await new TestControlPlane(options).start()
  const key = server.addKey()
  const {cleanup, dir} = tempConfigDir()
  const env: NodeJS.ProcessEnv = {LLAMACTL_CONFIG_DIR: dir, LLAMACTL_HTTP_TIMEOUT_MS: '3000'}
  if (options.secretStore !== 'auto') env.LLAMACTL_SECRET_STORE = options.secretStore ?? 'file'
  const runner = options.inProcess ? runInProcess : runCli
  const run = (args: string[], runOptions: RunOptions = {}) => runner(args, {...runOptions, env: {...env, ...runOptions.env}})
  const services = new DefaultServices({configDir: dir, env: {...process.env, ...env}, version: VERSION, warn() {}})
  await (await services.environmentService()).add(server.url)
  await services.environmentStore.switch(server.url)
  return {
    async addApiKeyProfile({apiKey = key, name, projectId}) {
      const profile: ProfileRecord = {
        apiUrl: server.url,
        authType: 'api-key',
        id: globalThis.crypto.randomUUID(),
        keyHint: redactKey(apiKey),
        name: name ?? redactKey(apiKey),
        projectId,
      }
      // The order ProfileService.create keeps: the secret first, so no profile ever lacks its key.
      await (await services.secretStore()).set(secretAccount(profile), {apiKey})
      await services.profileStore.save(profile)
      await services.profileStore.setCurrent(server.url, profile.name)
      return profile
    },
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

/**
 * The fixtures the tests of the calling describe make, each cleaned up after its test: `const
 * fixtures = fixturePerTest()` in the describe, then `const f = fixtures.add(await setUp())` in a test.
 */
export function fixturePerTest(): {add(f: Fixture): Fixture} {
  const made: Fixture[] = []
  afterEach(async () => {
    for (const f of made.splice(0)) await f.cleanup()
  })
  return {
    add(f) {
      made.push(f)
      return f
    },
  }
}
