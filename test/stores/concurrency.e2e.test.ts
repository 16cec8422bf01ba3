import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {Fixture, json, ok, setUp} from '../support/fixture.js'

// Several CLI processes at once on one config dir: only real processes contend for the locks this way.
describe('several llamactl processes at once', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  it('8 processes adding profiles at once: all 8 profiles and secrets are there afterwards', async () => {
    const keys = Array.from({length: 8}, () => f.server.addKey())
    const results = await Promise.all(
      keys.map((key, i) => f.run(['auth', 'token', '--api-key', key, '--project-id', 'p1', '--name', `proc-${i}`], {timeoutMs: 60_000})),
    )
    for (const result of results) ok(result)
    const {profiles} = json(ok(await f.run(['auth', 'list', '--json'])))
    expect(profiles.map((p: {name: string}) => p.name).sort()).to.deep.equal(keys.map((_, i) => `proc-${i}`).sort())
    const secrets = JSON.parse(await fs.readFile(path.join(f.dir, 'secrets.json'), 'utf8')).secrets
    expect(Object.keys(secrets)).to.have.length(8)
    for (const key of keys) expect(Object.values(secrets).some((v) => (v as string).includes(key))).to.equal(true)
  })
})
