// The bodies of the tests env.test.ts (in-process) and env.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import type {CliResult, RunOptions} from '../../../support/cli.js'
import {expect} from 'chai'
import {tempConfigDir} from '../../../support/cli.js'
import {json, ok} from '../../../support/fixture.js'

/** How a lane runs the CLI: runInProcess or runCli. */
type Runner = (args: string[], options?: RunOptions) => Promise<CliResult>

const DEFAULT = 'https://api.cloud.llamaindex.ai'

/** a fresh install knows only the default environment, which requires auth; `cli` runs the CLI in the lane's way */
export async function freshInstallKnowsOnlyTheDefault(cli: Runner): Promise<void> {
  const {cleanup, dir} = tempConfigDir()
  try {
    const result = ok(await cli(['auth', 'env', 'list', '--json'], {env: {LLAMACTL_CONFIG_DIR: dir}}))
    expect(json(result)).to.deep.equal({environments: [{apiUrl: DEFAULT, current: true, minLlamactlVersion: null, requiresAuth: true}]})
  } finally {
    cleanup()
  }
}
