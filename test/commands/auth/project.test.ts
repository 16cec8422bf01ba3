import {expect} from 'chai'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {changesTheProjectToAListedOne} from './project.cases.js'

describe('auth project', () => {
  describe('in an environment that requires auth', () => {
    let f: Fixture
    beforeEach(async () => {
      f = await setUp({inProcess: true})
      await f.addApiKeyProfile({projectId: 'p1'})
    })
    afterEach(() => f.cleanup())

    it('changes the current profile project to one the server lists', () => changesTheProjectToAListedOne(f))

    it("--profile NAME changes that profile's project with its own key, without making it current; the variables play no part", async () => {
      const other = f.server.addKey()
      await f.addApiKeyProfile({apiKey: other, name: 'other', projectId: 'p1'})
      const first = json(ok(await f.run(['auth', 'list', '--json']))).profiles.find((p: {name: string}) => p.name !== 'other').name
      ok(await f.run(['auth', 'switch', first]))
      const env = {LLAMA_AGENTS_PROJECT_ID: 'p1', LLAMA_CLOUD_API_KEY: f.key}
      const result = ok(await f.run(['auth', 'project', 'p2', '--profile', 'other', '--json'], {env}))
      expect(json(result)).to.deep.include({current: false, name: 'other', projectId: 'p2'})
      expect(result.stderr, 'no override warning: the variables play no part').to.equal('')
      expect(f.server.calls('list-projects').at(-1)!.authorization).to.equal(`Bearer ${other}`)
      const profiles = json(ok(await f.run(['auth', 'list', '--json']))).profiles
      expect(profiles.find((p: {current: boolean}) => p.current).name).to.equal(first)
      fails(await f.run(['auth', 'project', 'p2', '--profile', 'nope']), 1, /No profile named "nope"/)
    })

    it('needs PROJECT_ID when not interactive, listing the choices', async () => {
      fails(await f.run(['auth', 'project']), 2, /Missing PROJECT_ID argument.*p1, p2/)
    })
  })

  describe('in an environment without auth', () => {
    let f: Fixture
    beforeEach(async () => {
      f = await setUp({inProcess: true, requiresAuth: false})
    })
    afterEach(() => f.cleanup())

    it('accepts any project id and creates a key-less profile when none is current', async () => {
      const result = ok(await f.run(['auth', 'project', 'anything', '--json']))
      expect(json(result)).to.deep.equal({apiUrl: f.server.url, authType: 'none', current: true, name: 'default', projectId: 'anything'})
      expect(f.server.calls('list-projects')).to.have.length(0)
      ok(await f.run(['auth', 'project', 'other']))
      expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles).to.deep.equal([
        {apiUrl: f.server.url, authType: 'none', current: true, name: 'default', projectId: 'other'},
      ])
    })

    it('creates the key-less profile without touching the secret store', async () => {
      const result = ok(await f.run(['auth', 'project', 'p3'], {env: {DBUS_SESSION_BUS_ADDRESS: undefined, LLAMACTL_SECRET_STORE: 'keychain'}}))
      expect(result.stderr).not.to.include('keychain')
    })

    it('says auth list can create a profile with auth project here', async () => {
      expect(ok(await f.run(['auth', 'list'])).stderr).to.include('llamactl auth project')
    })
  })
})
