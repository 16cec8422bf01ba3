import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {listPrintsATable, withTwoProfiles} from './profiles.cases.js'

describe('auth list / switch / logout', () => {
  let f: Fixture
  let second: string
  beforeEach(async () => {
    f = await setUp({inProcess: true})
    second = await withTwoProfiles(f)
  })
  afterEach(() => f.cleanup())

  const list = async () => json(ok(await f.run(['auth', 'list', '--json'])))

  describe('list', () => {
    it('prints a table with the current profile marked, data on stdout only', () => listPrintsATable(f))

    it('--json has the contract shape', async () => {
      expect(await list()).to.deep.equal({
        environment: f.server.url,
        profiles: [
          {apiUrl: f.server.url, authType: 'api-key', current: false, name: 'alpha', projectId: 'p1'},
          {apiUrl: f.server.url, authType: 'api-key', current: true, name: 'beta', projectId: 'p2'},
        ],
      })
    })

    it('makes no network call', async () => {
      const before = f.server.requests.length
      ok(await f.run(['auth', 'list']))
      ok(await f.run(['auth', 'switch', 'alpha']))
      ok(await f.run(['auth', 'env', 'list']))
      expect(f.server.requests.length).to.equal(before)
    })

    it('says how to create a profile when there is none', async () => {
      ok(await f.run(['auth', 'logout', 'alpha']))
      ok(await f.run(['auth', 'logout', 'beta']))
      const result = ok(await f.run(['auth', 'list']))
      expect(result.stdout).to.equal('')
      expect(result.stderr).to.include('No profiles in').and.include('llamactl auth login').and.include('llamactl auth token')
    })
  })

  describe('switch', () => {
    it('sets the current profile', async () => {
      const result = ok(await f.run(['auth', 'switch', 'alpha', '--json']))
      expect(json(result)).to.deep.equal({apiUrl: f.server.url, authType: 'api-key', current: true, name: 'alpha', projectId: 'p1'})
      expect((await list()).profiles.filter((p: {current: boolean}) => p.current).map((p: {name: string}) => p.name)).to.deep.equal(['alpha'])
    })

    it('needs NAME when not interactive (exit 2)', async () => {
      fails(await f.run(['auth', 'switch']), 2, /Missing NAME argument/)
    })
  })

  describe('logout', () => {
    it('deletes the profile and its secret; the current one leaves none current', async () => {
      const secretsFile = path.join(f.dir, 'secrets.json')
      expect(readFileSync(secretsFile, 'utf8')).to.include(second)
      const result = ok(await f.run(['auth', 'logout', 'beta', '--json']))
      expect(json(result).name).to.equal('beta')
      expect(readFileSync(secretsFile, 'utf8')).not.to.include(second)
      expect(readFileSync(secretsFile, 'utf8')).to.include(f.key)
      const after = await list()
      expect(after.profiles.map((p: {name: string}) => p.name)).to.deep.equal(['alpha'])
      expect(after.profiles[0].current).to.equal(false)
    })

    it('fails on an unknown name (exit 1) and needs NAME when not interactive (exit 2)', async () => {
      fails(await f.run(['auth', 'logout', 'gamma']), 1, /No profile named "gamma"/)
      fails(await f.run(['auth', 'logout']), 2, /Missing NAME argument/)
      expect((await list()).profiles).to.have.length(2)
    })
  })
})
