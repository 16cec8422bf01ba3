import {expect} from 'chai'
import {parse as parseYaml} from 'yaml'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {authGetListsTheProfiles} from './get-use.cases.js'

/** `auth get` and `auth use`: the Python llamactl 0.10 commands, with its -o shapes and messages. */
describe('auth get / auth use', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true})
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p2', '--name', 'one']))
    ok(await f.run(['auth', 'token', '--api-key', f.server.addKey(), '--project-id', 'p1', '--name', 'two']))
  })
  afterEach(() => f.cleanup())

  it('auth get lists the profiles sorted by name in text, json and yaml (yaml parses back to the json), never a secret', () => authGetListsTheProfiles(f))

  it('auth get NAME shows one profile as an object; an unknown NAME is exit 1 in one line', async () => {
    expect(json(ok(await f.run(['auth', 'get', 'one', '-o', 'json'])))).to.deep.equal({
      name: 'one',
      api_url: f.server.url,
      project_id: 'p2',
      active: false,
      auth_type: 'token',
    })
    expect(parseYaml(ok(await f.run(['auth', 'get', 'one', '-o', 'yaml'])).stdout)).to.include({name: 'one', auth_type: 'token'})
    fails(await f.run(['auth', 'get', 'nope']), 1, /^Error: Profile 'nope' not found/)
    fails(await f.run(['auth', 'get', 'nope', '-o', 'json']), 1, /^Error: Profile 'nope' not found/)
  })

  it('auth get with no profiles: the status lines in text (login where auth is required), [] in json', async () => {
    ok(await f.run(['auth', 'logout', 'one']))
    ok(await f.run(['auth', 'logout', 'two']))
    const text = ok(await f.run(['auth', 'get']))
    expect(text.stdout).to.equal('')
    expect(text.stderr).to.equal('no profiles found\ncreate one with: llamactl auth login\n')
    expect(json(ok(await f.run(['auth', 'get', '-o', 'json'])))).to.deep.equal([])
    expect(ok(await f.run(['auth', 'get', '-o', 'yaml'])).stdout).to.equal('[]\n\n')
  })

  it('an invalid -o is a usage error (exit 2) in one line', async () => {
    fails(await f.run(['auth', 'get', '-o', 'xml']), 2, /^Error: .*--output to be one of: text, wide, json, yaml/)
  })

  it('auth use NAME makes it current (--json: the auth get shape); no NAME in a non-interactive run is exit 2; unknown is exit 1', async () => {
    const used = ok(await f.run(['auth', 'use', 'one']))
    expect(used.stderr).to.equal('switched profile one\n')
    expect(json(ok(await f.run(['auth', 'get', 'one', '-o', 'json']))).active).to.equal(true)
    expect(json(ok(await f.run(['auth', 'use', 'two', '--json'])))).to.deep.equal({
      name: 'two',
      api_url: f.server.url,
      project_id: 'p1',
      active: true,
      auth_type: 'token',
    })
    fails(await f.run(['auth', 'use']), 2, /^Error: Missing NAME argument \(no prompt in non-interactive mode\)/)
    fails(await f.run(['auth', 'use', 'nope']), 1, /^Error: Profile 'nope' not found/)
    expect(json(ok(await f.run(['auth', 'get', 'two', '-o', 'json']))).active).to.equal(true)
  })
})

describe('auth get in an environment without auth', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true, requiresAuth: false})
  })
  afterEach(() => f.cleanup())

  it('names auth token, and shows a key-less profile as auth_type none', async () => {
    expect(ok(await f.run(['auth', 'get'])).stderr).to.equal('no profiles found\ncreate one with: llamactl auth token\n')
    ok(await f.run(['auth', 'project', 'p9']))
    expect(json(ok(await f.run(['auth', 'get', '-o', 'json'])))).to.deep.equal([
      {name: 'default', api_url: f.server.url, project_id: 'p9', active: true, auth_type: 'none'},
    ])
  })
})
