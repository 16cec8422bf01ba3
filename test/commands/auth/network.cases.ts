// What the network tests of both lanes share: network.test.ts (in-process) and network.e2e.test.ts
// (the built CLI). The key, the servers, the runner with its own config dir and the redirect case
// written once here; each lane passes its way to run the CLI.
import {expect} from 'chai'
import {existsSync} from 'node:fs'
import path from 'node:path'

import type {CliResult, RunOptions} from '../../support/cli.js'
import {tempConfigDir} from '../../support/cli.js'
import {fails, ok} from '../../support/fixture.js'
import {answersVersion, HostileHandler, HostileServer, randomLoopbackAddress, sendJson} from '../../support/hostile-server.js'
import {readConfig, readSecrets} from '../../support/login-session.js'

export const KEY = 'llx-0123456789abcdef0123456789abcdef'
export const escape = (s: string) => s.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** How a lane runs the CLI: runInProcess or runCli. */
export type Runner = (args: string[], options: RunOptions) => Promise<CliResult>

/** Runs the CLI (the lane's `runner`) with its own config dir, secrets in the file store. */
export function cliIn(runner: Runner, dir: string, base: NodeJS.ProcessEnv = {}) {
  const env = {LLAMACTL_CONFIG_DIR: dir, LLAMACTL_HTTP_TIMEOUT_MS: '5000', LLAMACTL_SECRET_STORE: 'file', ...base}
  return (args: string[], options: RunOptions = {}) => runner(args, {...options, env: {...env, ...options.env}})
}

/** The profiles in the config dir (none when there is no config.json). */
export const profilesIn = (dir: string) => (existsSync(path.join(dir, 'config.json')) ? readConfig(dir).profiles : [])

/** A server that would take any key as valid: where a followed redirect would land. */
export const acceptsAnything: HostileHandler = (req, res) => {
  if (answersVersion(req, res)) return
  sendJson(res, 200, {projects: [{deployment_count: 0, project_id: 'p1', project_name: null}]})
}

/** a redirect to another host that answers 200 is not "the key is valid": no profile is saved; `track` stops the servers after the test. */
export async function redirectToAnotherHost(runner: Runner, dir: string, track: Track): Promise<void> {
  const run = cliIn(runner, dir)
  const other = track(await new HostileServer(acceptsAnything).start(0, randomLoopbackAddress()))
  const server = track(
    await new HostileServer((req, res) => {
      if (answersVersion(req, res)) return
      res.writeHead(302, {location: `${other.url}${req.url}`})
      res.end()
    }).start(),
  )
  ok(await run(['auth', 'env', 'add', server.url]))
  ok(await run(['auth', 'env', 'switch', server.url]))
  fails(
    await run(['auth', 'token', '--api-key', KEY, '--project-id', 'p1', '--json']),
    1,
    /answered with a redirect \(302\) to http:\/\/127\.\d+\.\d+\.\d+:\d+\/api\/v1beta1\/deployments\/list-projects/,
  )
  expect(other.requests).to.deep.equal([])
  expect(profilesIn(dir)).to.deep.equal([])
  expect(readSecrets(dir)).to.deep.equal({})
}

/** Something a test starts that must be stopped after it. */
export type Track = <T extends {stop(): Promise<void>}>(thing: T) => T

/**
 * A temp config dir per test (`scene.dir`) and the servers `scene.track` was given, stopped after
 * the test. Call it inside a describe: it adds the beforeEach and afterEach hooks.
 */
export function tempDirAndServers(): {dir: string; track: Track} {
  const stoppers: Array<() => Promise<void>> = []
  let cleanup = () => {}
  const scene = {dir: '', track: <T extends {stop(): Promise<void>}>(thing: T): T => (stoppers.push(() => thing.stop()), thing)}
  beforeEach(() => {
    const made = tempConfigDir()
    cleanup = made.cleanup
    scene.dir = made.dir
  })
  afterEach(async () => {
    await Promise.all(stoppers.splice(0).map((stop) => stop()))
    cleanup()
  })
  return scene
}
