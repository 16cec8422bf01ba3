import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {ROOT} from '../../support/cli.js'
import {Fixture, setUp} from '../../support/fixture.js'
import {authKeyIsOneRedactedLine} from './misplaced-key.cases.js'

describe('a key pasted in the wrong place is never echoed', function () {
  this.timeout(60_000)
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  describe('as a command (the command_not_found hook)', () => {
    it('auth <key> is one redacted line, exit 2', () => authKeyIsOneRedactedLine(f))

    it('the hook stays lean: an unknown command loads no file of the plugin but the router of bin/run.js, the hooks and the shared chunk (redact, terminal-text and the printable rule of the model)', async () => {
      const log = path.join(f.dir, 'imports.log')
      const recorder = path.join(ROOT, 'test', 'support', 'import-recorder.mjs')
      const result = await f.run(['auth', 'tokn', f.key], {env: {LLAMACTL_TEST_IMPORT_LOG: log, NODE_OPTIONS: `--import=${recorder}`}})
      expect(result.code).to.equal(2)
      const loaded = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : []
      expect(
        loaded.some((url) => url.includes('@oclif/core')),
        'the recorder works',
      ).to.equal(true)
      const dist = `${path.join(ROOT, 'dist')}/`
      const ours = [
        ...new Set(
          loaded
            .filter((url) => url.startsWith('file:'))
            .map((url) => new URL(url).pathname)
            .filter((p) => p.startsWith(dist)),
        ),
      ]
      expect(ours.map((p) => path.relative(dist, p)).sort()).to.deep.equal([
        'chunks/shared.js',
        'hooks/command-not-found.js',
        'hooks/compile-cache.js',
        'route-argv.js',
      ])
    })
  })
})
