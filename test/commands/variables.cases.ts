// The bodies of the tests variables.test.ts (in-process) and variables.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import type {CliResult, RunOptions} from '../support/cli.js'
import {expect} from 'chai'
import {Fixture, json, ok, setUp} from '../support/fixture.js'

/** How a lane runs the CLI: runInProcess or runCli. */
type Runner = (args: string[], options?: RunOptions) => Promise<CliResult>

/** `auth status --offline --json` with these variables on top of the fixture's. */
export async function statusWith(cli: Runner, f: Fixture, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return cli(['auth', 'status', '--offline', '--json'], {env: {...f.env, ...env}})
}

/** llama_cloud_api_key, llama_agents_project_id and llama_cloud_base_url in lower case are the credential, as their upper-case names; `cli` runs the CLI in the lane's way */
export async function lowerCaseVariablesAreTheCredential(start: (options?: Parameters<typeof setUp>[0]) => Promise<Fixture>, cli: Runner): Promise<void> {
  const f = await start()
  const result = ok(await statusWith(cli, f, {llama_agents_project_id: 'p1', llama_cloud_api_key: f.key, Llama_Cloud_Base_Url: `${f.server.url}/`}))
  expect(json(result)).to.include({apiUrl: f.server.url, projectId: 'p1', source: 'env'})
  // And the key works with the server.
  const checked = ok(
    await cli(['auth', 'status', '--json'], {
      env: {...f.env, llama_agents_project_id: 'p1', llama_cloud_api_key: f.key, llama_cloud_base_url: f.server.url},
    }),
  )
  expect(json(checked).check.result).to.equal('ok')
}
