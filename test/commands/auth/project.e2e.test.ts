import {expect} from 'chai'

import {Fixture, json, ok, setUp} from '../../support/fixture.js'
import {KEYS, runInPty, stripAnsi} from '../../support/pty.js'
import {changesTheProjectToAListedOne} from './project.cases.js'

describe('auth project', () => {
  describe('in an environment that requires auth', () => {
    let f: Fixture
    beforeEach(async () => {
      f = await setUp()
      await f.addApiKeyProfile({projectId: 'p1'})
    })
    afterEach(() => f.cleanup())

    it('changes the current profile project to one the server lists', () => changesTheProjectToAListedOne(f))

    it('lets a person choose from the server projects in a terminal', async () => {
      const result = await runInPty(['auth', 'project'], {env: f.env, steps: [{send: `${KEYS.down}${KEYS.enter}`, waitFor: 'Choose a project'}]})
      expect(result.code, result.screen).to.equal(0)
      // The answer line names the chosen project, not its index in the list.
      expect(stripAnsi(result.screen)).to.match(/✔ Choose a project · [^\n]*p2/)
      expect(stripAnsi(result.screen)).not.to.match(/Choose a project · \d+\s*$/m)
      expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles[0].projectId).to.equal('p2')
    })
  })

  describe('in an environment without auth', () => {
    let f: Fixture
    beforeEach(async () => {
      f = await setUp({requiresAuth: false})
    })
    afterEach(() => f.cleanup())

    it('lets a person type a project id that is not listed', async () => {
      const result = await runInPty(['auth', 'project'], {
        env: f.env,
        steps: [
          {send: `${KEYS.up}${KEYS.enter}`, waitFor: 'Choose a project'},
          {send: `typed-id${KEYS.enter}`, waitFor: 'Project ID'},
        ],
      })
      expect(result.code, result.screen).to.equal(0)
      expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles[0].projectId).to.equal('typed-id')
    })
  })
})
