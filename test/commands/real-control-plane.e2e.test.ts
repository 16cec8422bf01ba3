import {expect} from 'chai'

import {json, ok} from '../support/fixture.js'
import {tempConfigDir, runCli} from '../support/cli.js'
import {HostileServer, sendJson} from '../support/hostile-server.js'

describe('what the open-source control plane answers', function () {
  this.timeout(60_000)
  it('its version document (0.12.4, min_llamactl_version 0.3.0a13, capabilities) is accepted without a version warning', async () => {
    const {cleanup, dir} = tempConfigDir()
    const server = await new HostileServer((req, res) => {
      if (req.url === '/api/v1beta1/deployments-public/version')
        return sendJson(res, 200, {version: '0.12.4', requires_auth: false, min_llamactl_version: '0.3.0a13', capabilities: ['organizations']})
      sendJson(res, 404, {detail: 'Not Found'})
    }).start()
    try {
      const added = ok(await runCli(['auth', 'env', 'add', server.url, '--json'], {env: {LLAMACTL_CONFIG_DIR: dir}}))
      expect(json(added)).to.deep.equal({apiUrl: server.url, current: false, minLlamactlVersion: '0.3.0a13', requiresAuth: false})
      expect(added.stderr).to.not.match(/Warning/)
    } finally {
      await server.stop()
      cleanup()
    }
  })
})
