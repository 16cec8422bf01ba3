import {runCli} from '../support/cli.js'
import {openSourceVersionDocumentAccepted} from './real-control-plane.cases.js'

describe('what the open-source control plane answers', function () {
  this.timeout(60_000)
  it('its version document (0.12.4, min_llamactl_version 0.3.0a13, capabilities) is accepted without a version warning', () =>
    openSourceVersionDocumentAccepted(runCli))
})
