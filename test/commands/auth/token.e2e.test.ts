import {expect} from 'chai'

import {Fixture, json, ok, setUp} from '../../support/fixture.js'
import {KEYS, runInPty} from '../../support/pty.js'
import {createsAnAutoNamedProfile} from './token.cases.js'

describe('auth token', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  it('creates an auto-named profile from a valid key, makes it current, and keeps the key out of config', () => createsAnAutoNamedProfile(f))

  describe('interactive, in a terminal', () => {
    it('prompts for the key masked, then for the project, and never shows the key', async () => {
      const result = await runInPty(['auth', 'token'], {
        env: f.env,
        steps: [
          {send: `${f.key}${KEYS.enter}`, waitFor: 'API key'},
          {send: `${KEYS.down}${KEYS.enter}`, waitFor: 'Choose a project'},
        ],
      })
      expect(result.code, result.screen).to.equal(0)
      expect(result.screen).to.include('Demo — p1 (3 deployments)').and.include('p2 (0 deployments)')
      expect(result.screen).not.to.include(f.key)
      expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles[0].projectId).to.equal('p2')
    })

    it('takes the only project without asking in an auth-requiring environment', async () => {
      const single = f.server.addKey(undefined, {projects: [{deployment_count: 1, project_id: 'solo', project_name: 'Solo'}]})
      const result = await runInPty(['auth', 'token'], {env: f.env, steps: [{send: `${single}${KEYS.enter}`, waitFor: 'API key'}]})
      expect(result.code, result.screen).to.equal(0)
      expect(result.screen).not.to.include('Choose a project')
      expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles[0].projectId).to.equal('solo')
    })

    it('Ctrl-C at the key prompt exits 130 and stores nothing', async () => {
      const result = await runInPty(['auth', 'token'], {env: f.env, steps: [{send: KEYS.ctrlC, waitFor: 'API key'}]})
      expect(result.code, result.screen).to.equal(130)
      expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles).to.deep.equal([])
    })

    it('--no-interactive in a terminal never prompts', async () => {
      const result = await runInPty(['auth', 'token', '--no-interactive'], {env: f.env, steps: []})
      expect(result.code).to.equal(2)
      expect(result.screen).to.include('Missing --api-key and --project-id')
    })
  })
})
