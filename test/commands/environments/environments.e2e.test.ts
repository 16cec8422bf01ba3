import {expect} from 'chai'
import {parse as parseYaml} from 'yaml'

import {Fixture, json, ok, setUp} from '../../support/fixture.js'

const CLOUD = 'https://api.cloud.llamaindex.ai'

/** `environments get|add|use|delete`: the Python llamactl 0.10 names of `auth env`. */
describe('environments', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  it('get lists every environment sorted by URL, the built-in one included, in text, json, yaml and wide', async () => {
    const list = json(ok(await f.run(['environments', 'get', '-o', 'json'])))
    expect(list).to.deep.equal([
      {api_url: f.server.url, requires_auth: true, active: true},
      {api_url: CLOUD, requires_auth: true, active: false},
    ])
    expect(Object.keys(list[0])).to.deep.equal(['api_url', 'requires_auth', 'active'])
    expect(parseYaml(ok(await f.run(['environments', 'get', '-o', 'yaml'])).stdout)).to.deep.equal(list)
    expect(json(ok(await f.run(['environments', 'get', '--json'])))).to.deep.equal(list)
    const pad = ' '.repeat(CLOUD.length - 'API_URL'.length)
    expect(ok(await f.run(['environments', 'get'])).stdout).to.equal(
      [`API_URL${pad}  REQUIRES_AUTH  ACTIVE`, `${f.server.url.padEnd(CLOUD.length)}  yes            yes`, `${CLOUD}  yes            no`, ''].join('\n'),
    )
    const wide = ok(await f.run(['environments', 'get', '-o', 'wide'])).stdout
    expect(wide).to.match(/^API_URL +REQUIRES_AUTH +ACTIVE +MIN_LLAMACTL_VERSION +CAPABILITIES\n/)
    expect(wide).to.include('deployments')
  })
})

describe('environments add', () => {})
