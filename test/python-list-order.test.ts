import {Config} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {expect} from 'chai'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import AuthGet from '../src/commands/auth/get.js'
import EnvironmentsGet from '../src/commands/environments/get.js'
import {compareCodePoints, DEFAULT_API_URL} from '../src/model.js'
import {DefaultServices} from '../src/services/factory.js'
import {ROOT, tempConfigDir} from './support/cli.js'

// Names and URLs that differ in case, punctuation and beyond the BMP, in the order the Python
// llamactl 0.10.3 printed them (`auth get -o json`, `environments get -o json`, rows written into
// its profiles.db): SQLite's `ORDER BY name` / `ORDER BY api_url`, BINARY collation (UTF-8 bytes).
const PYTHON_PROFILE_ORDER = ['10', '9x', 'ZZ', '__', 'a b', 'a-b', 'a.b', 'aa', 'z', 'é1', '～', '😀']
const PYTHON_ENVIRONMENT_ORDER = ['http://A.local', 'http://Zed.local', 'http://a-b.local', 'http://a_b.local', DEFAULT_API_URL]

describe('0.10 list commands order as the Python llamactl (SQLite BINARY order, not a locale)', () => {
  let config: Config
  let temp: ReturnType<typeof tempConfigDir>

  before(async () => {
    config = await Config.load(ROOT)
  })

  beforeEach(() => {
    temp = tempConfigDir()
    mkdirSync(temp.dir, {recursive: true})
    const shuffled = [...PYTHON_PROFILE_ORDER].reverse()
    const profiles = shuffled.map((name, i) => ({
      apiUrl: DEFAULT_API_URL,
      authType: 'api-key',
      id: `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`,
      keyHint: 'llx-…cdef',
      name,
      projectId: 'p1',
    }))
    const environments = [...PYTHON_ENVIRONMENT_ORDER]
      .reverse()
      .map((apiUrl) => ({apiUrl, currentProfile: null, minLlamactlVersion: null, requiresAuth: false}))
    const doc = {currentEnvironment: DEFAULT_API_URL, environments, profiles, schemaVersion: 1}
    writeFileSync(path.join(temp.dir, 'config.json'), JSON.stringify(doc), {mode: 0o600})
    for (const command of [AuthGet, EnvironmentsGet])
      command.servicesFactory = (ctx) => new DefaultServices({...ctx, configDir: temp.dir, env: {LLAMACTL_SECRET_STORE: 'file'}})
  })

  afterEach(() => temp.cleanup())

  it('compareCodePoints is code point order: astral characters after U+FFxx (UTF-16 units would put 😀 first)', () => {
    expect([...PYTHON_PROFILE_ORDER].reverse().sort(compareCodePoints)).to.deep.equal(PYTHON_PROFILE_ORDER)
    expect(compareCodePoints('a', 'ab')).to.equal(-1)
    expect(compareCodePoints('ab', 'ab')).to.equal(0)
  })

  it('auth get -o json lists profiles in the order Python printed', async () => {
    const out = await captureOutput(() => AuthGet.run(['-o', 'json'], config))
    expect(out.error, out.stderr).to.equal(undefined)
    expect((JSON.parse(out.stdout) as {name: string}[]).map((p) => p.name)).to.deep.equal(PYTHON_PROFILE_ORDER)
  })

  it('environments get -o json lists API URLs in the order Python printed', async () => {
    const out = await captureOutput(() => EnvironmentsGet.run(['-o', 'json'], config))
    expect(out.error, out.stderr).to.equal(undefined)
    expect((JSON.parse(out.stdout) as {api_url: string}[]).map((e) => e.api_url)).to.deep.equal(PYTHON_ENVIRONMENT_ORDER)
  })
})
