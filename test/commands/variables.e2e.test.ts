import {expect} from 'chai'

import {runCli} from '../support/cli.js'
import {fixturePerTest, ok, setUp} from '../support/fixture.js'
import {lowerCaseVariablesAreTheCredential} from './variables.cases.js'

// What the variables do through the built CLI; the unit lane (variables.test.ts) has the rest.
describe('the Python llamactl 0.10 LLAMA_* names in any case, through the built CLI', function () {
  this.timeout(60_000)
  const fixtures = fixturePerTest()

  it('llama_cloud_api_key, llama_agents_project_id and llama_cloud_base_url in lower case are the credential, as their upper-case names', () =>
    lowerCaseVariablesAreTheCredential(async (options = {}) => fixtures.add(await setUp(options)), runCli))

  it('auth exec hands the child one spelling of each variable: inherited lower-case ones are replaced too', async () => {
    const f = fixtures.add(await setUp())
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p2']))
    const script =
      'console.log(JSON.stringify(Object.keys(process.env).filter((k) => /^llama_(cloud|agents)_/i.test(k)).sort().map((k) => [k, process.env[k]])))'
    const result = ok(
      await f.run(['auth', 'exec', '--', process.execPath, '-e', script], {
        env: {llama_agents_project_id: 'stale', llama_cloud_base_url: 'http://stale.invalid', LLAMA_CLOUD_USE_PROFILE: '1'},
      }),
    )
    expect(JSON.parse(result.stdout)).to.deep.equal([
      ['LLAMA_AGENTS_PROJECT_ID', 'p2'],
      ['LLAMA_CLOUD_API_KEY', f.key],
      ['LLAMA_CLOUD_BASE_URL', f.server.url],
      ['LLAMA_CLOUD_USE_PROFILE', '1'],
    ])
  })
})
