import {expect} from 'chai'

import {runCli} from '../../../support/cli.js'
import {TestControlPlane} from '../../../support/control-plane-server.js'
import {Fixture, json, ok, setUp} from '../../../support/fixture.js'
import {KEYS, runInPty} from '../../../support/pty.js'
import {freshInstallKnowsOnlyTheDefault} from './env.cases.js'

const DEFAULT = 'https://api.cloud.llamaindex.ai'

describe('auth env', () => {
  let f: Fixture
  let other: TestControlPlane
  beforeEach(async () => {
    f = await setUp()
    other = await new TestControlPlane({minLlamactlVersion: '0.1.0', requiresAuth: false}).start()
  })
  afterEach(async () => {
    await other.stop()
    await f.cleanup()
  })

  const envList = async () => json(ok(await f.run(['auth', 'env', 'list', '--json']))).environments

  it('a fresh install knows only the default environment, which requires auth', () => freshInstallKnowsOnlyTheDefault(runCli))

  it('switch prompts for the environment in a terminal', async () => {
    const result = await runInPty(['auth', 'env', 'switch'], {env: f.env, steps: [{send: `${KEYS.up}${KEYS.enter}`, waitFor: 'Switch to environment'}]})
    expect(result.code, result.screen).to.equal(0)
    expect((await envList()).find((e: {current: boolean}) => e.current).apiUrl).to.equal(DEFAULT)
  })
})
