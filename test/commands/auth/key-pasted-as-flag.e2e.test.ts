import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {fails, Fixture, setUp} from '../../support/fixture.js'

/** The CLI's side of a key pasted as --name or --project-id: exit 2, one line without the key, nothing stored. */
describe('auth token with the key pasted as --name or --project-id: exit 2, one line, the key neither printed nor stored', function () {
  this.timeout(30_000)
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  for (const [what, args] of [
    ['--project-id', (key: string) => ['--api-key', key, '--project-id', key]],
    ['--name', (key: string) => ['--api-key', key, '--project-id', 'p1', '--name', key]],
    ['--project-id (another key)', (key: string) => ['--api-key', key, '--project-id', 'llx-0123456789abcdefOTHER']],
  ] as const)
    it(what, async () => {
      const result = await f.run(['auth', 'token', ...args(f.key), '--no-interactive'])
      fails(result, 2, /API key/)
      expect(result.stdout + result.stderr).to.not.include(f.key.slice(4, 16))
      expect(result.stderr).to.not.include('0123456789abcdefOTHER')
      const config = path.join(f.dir, 'config.json')
      if (existsSync(config)) expect(readFileSync(config, 'utf8')).to.not.include('llx-0123').and.not.include(f.key)
    })
})
