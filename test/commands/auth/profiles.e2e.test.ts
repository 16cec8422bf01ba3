import {expect} from 'chai'
import {existsSync} from 'node:fs'
import path from 'node:path'

import {Fixture, json, ok, setUp} from '../../support/fixture.js'
import {KEYS, runInPty, stripAnsi} from '../../support/pty.js'
import {listPrintsATable, withTwoProfiles} from './profiles.cases.js'

describe('auth list / switch / logout', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
    await withTwoProfiles(f)
  })
  afterEach(() => f.cleanup())

  const list = async () => json(ok(await f.run(['auth', 'list', '--json'])))

  describe('list', () => {
    it('prints a table with the current profile marked, data on stdout only', () => listPrintsATable(f))
  })

  describe('switch', () => {
    it('prompts for the profile in a terminal', async () => {
      const result = await runInPty(['auth', 'switch'], {env: f.env, steps: [{send: `${KEYS.up}${KEYS.enter}`, waitFor: 'Switch to profile'}]})
      expect(result.code, result.screen).to.equal(0)
      expect(result.screen).to.include('Switched to profile alpha')
      // The answer line names the choice, not its index.
      expect(stripAnsi(result.screen)).to.match(/✔ Switch to profile · alpha \(p1\)/)
      expect(stripAnsi(result.screen)).not.to.match(/profile · \d/)
    })
  })

  describe('logout', () => {
    it('prompts for the profile in a terminal', async () => {
      const result = await runInPty(['auth', 'logout'], {env: f.env, steps: [{send: KEYS.enter, waitFor: 'Log out of profile'}]})
      expect(result.code, result.screen).to.equal(0)
      expect(stripAnsi(result.screen)).to.match(/✔ Log out of profile · beta \(p2\)/)
      expect((await list()).profiles.map((p: {name: string}) => p.name)).to.deep.equal(['alpha'])
      expect(existsSync(path.join(f.dir, 'config.json'))).to.equal(true)
    })
  })
})
