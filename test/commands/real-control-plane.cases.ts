// The bodies of the tests real-control-plane.test.ts (in-process) and real-control-plane.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import type {CliResult, RunOptions} from '../support/cli.js'
import {expect} from 'chai'
import {json, ok} from '../support/fixture.js'
import {tempConfigDir} from '../support/cli.js'
import {HostileServer, sendJson} from '../support/hostile-server.js'

/** How a lane runs the CLI: runInProcess or runCli. */
type Runner = (args: string[], options?: RunOptions) => Promise<CliResult>

/** its version document (0.12.4, min_llamactl_version 0.3.0a13, capabilities) is accepted without a version warning; `cli` runs the CLI in the lane's way */
export async function openSourceVersionDocumentAccepted(cli: Runner): Promise<void> {
  const {cleanup, dir} = tempConfigDir()
  const server = await new HostileServer((req, res) => {
    if (req.url === '/api/v1beta1/deployments-public/version')
      return sendJson(res, 200, {version: '0.12.4', requires_auth: false, min_llamactl_version: '0.3.0a13', capabilities: ['organizations']})
    sendJson(res, 404, {detail: 'Not Found'})
  }).start()
  try {
    const added = ok(await cli(['auth', 'env', 'add', server.url, '--json'], {env: {LLAMACTL_CONFIG_DIR: dir}}))
    expect(json(added)).to.deep.equal({apiUrl: server.url, current: false, minLlamactlVersion: '0.3.0a13', requiresAuth: false})
    expect(added.stderr).to.not.match(/Warning/)
  } finally {
    await server.stop()
    cleanup()
  }
}
