import {Fixture, ok, setUp} from '../../support/fixture.js'
import {statusExplainsTheCurrentProfile} from './status.cases.js'

/**
 * `auth status` as a process: what it prints, where, and its exit code. Its results (ok,
 * rejected, forbidden, unknown_project, server_error, unreachable, session_expired, skipped,
 * no_credentials) are tested in-process over the service: test/services/status-service.test.ts.
 */
describe('auth status', function () {
  this.timeout(60_000)
  let f: Fixture

  beforeEach(async () => {
    f = await setUp()
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'ci']))
  })
  afterEach(() => f.cleanup())

  it('explains the current profile and checks it: the text report on stdout, nothing on stderr, exit 0', () => statusExplainsTheCurrentProfile(f))
})
