import {expect} from 'chai'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {ROOT, runCli, tempConfigDir} from './support/cli.js'

const DEFAULT_API_URL = 'https://api.cloud.llamaindex.ai'

/**
 * bin/run.js lets oclif sort the manifest's commands by code unit instead of localeCompare, whose
 * first call builds ICU's collator (start-up time, see bench/). These hold it to what it claims.
 */
describe('start-up: bin/run.js and localeCompare', function () {
  this.timeout(30_000)

  it('sorts every command id and alias of the manifest the same by code unit as by localeCompare', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'))
    const ids = (Object.values(manifest.commands) as Array<{aliases?: string[]; id: string}>).flatMap((c) => [c.id, ...(c.aliases ?? [])])
    expect(ids.length).to.be.above(10)
    expect(
      ids.every((id) => /^[a-z][a-z0-9:-]*$/.test(id)),
      'lowercase ASCII ids',
    ).to.equal(true)
    // What bin/run.js's stand-in returns, against the real thing.
    const byCodeUnit = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    expect(byCodeUnit).to.deep.equal([...ids].sort((a, b) => a.localeCompare(b)))
    // The control: the two orders do differ where case or accents come in.
    expect(['b', 'C', 'a'].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).to.not.deep.equal(['b', 'C', 'a'].sort((a, b) => a.localeCompare(b)))
  })

  it('gives commands the real localeCompare: auth list orders profile names as people read them (a, b, C, not C, a, b)', async () => {
    const {cleanup, dir} = tempConfigDir()
    try {
      const profiles = ['b', 'C', 'a'].map((name, i) => ({
        apiUrl: DEFAULT_API_URL,
        authType: 'api-key',
        id: `00000000-0000-4000-8000-00000000000${i}`,
        keyHint: 'llx-…0000',
        name,
        projectId: 'p1',
      }))
      const environments = [{apiUrl: DEFAULT_API_URL, currentProfile: 'b', minLlamactlVersion: null, requiresAuth: true}]
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({currentEnvironment: DEFAULT_API_URL, environments, profiles, schemaVersion: 1}), {
        mode: 0o600,
      })
      const result = await runCli(['auth', 'list', '--json'], {env: {LLAMACTL_CONFIG_DIR: dir, LLAMACTL_SECRET_STORE: 'file'}})
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).profiles.map((p: {name: string}) => p.name)).to.deep.equal(['a', 'b', 'C'])
    } finally {
      cleanup()
    }
  })
})
