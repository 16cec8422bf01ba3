import {expect} from 'chai'

import {runInProcess} from '../../../support/in-process-cli.js'
import {TestControlPlane} from '../../../support/control-plane-server.js'
import {fails, Fixture, json, ok, setUp} from '../../../support/fixture.js'
import {freshInstallKnowsOnlyTheDefault} from './env.cases.js'

const DEFAULT = 'https://api.cloud.llamaindex.ai'

describe('auth env', () => {
  let f: Fixture
  let other: TestControlPlane
  beforeEach(async () => {
    f = await setUp({inProcess: true})
    other = await new TestControlPlane({minLlamactlVersion: '0.1.0', requiresAuth: false}).start()
  })
  afterEach(async () => {
    await other.stop()
    await f.cleanup()
  })

  const envList = async () => json(ok(await f.run(['auth', 'env', 'list', '--json']))).environments

  it('a fresh install knows only the default environment, which requires auth', () => freshInstallKnowsOnlyTheDefault(runInProcess))

  it('add probes the server, normalises the URL, stores what it reported, and does not switch', async () => {
    const result = ok(await f.run(['auth', 'env', 'add', `${other.url}/`, '--json']))
    expect(json(result)).to.deep.equal({apiUrl: other.url, current: false, minLlamactlVersion: '0.1.0', requiresAuth: false})
    expect(other.calls('/version')).to.have.length(1)
    expect(await envList()).to.deep.include({apiUrl: other.url, current: false, minLlamactlVersion: '0.1.0', requiresAuth: false})
  })

  it('add updates an environment whose server changed', async () => {
    ok(await f.run(['auth', 'env', 'add', other.url]))
    other.options.requiresAuth = true
    ok(await f.run(['auth', 'env', 'add', other.url]))
    const matching = (await envList()).filter((e: {apiUrl: string}) => e.apiUrl === other.url)
    expect(matching).to.deep.equal([{apiUrl: other.url, current: false, minLlamactlVersion: '0.1.0', requiresAuth: true}])
  })

  it('add warns when the server needs a newer llamactl', async () => {
    other.options.minLlamactlVersion = '99.0.0'
    const result = ok(await f.run(['auth', 'env', 'add', other.url]))
    expect(result.stderr).to.match(/Warning: .*requires llamactl 99\.0\.0 or newer; this is 0\.10\.3/)
  })

  it('add refuses a server that is down, or not a control plane, and stores nothing', async () => {
    const url = other.url
    await other.stop()
    fails(await f.run(['auth', 'env', 'add', url]), 1, /Could not reach .*ECONNREFUSED/)
    other = await new TestControlPlane().start()
    other.fail({fault: {kind: 'notVersionDocument'}})
    fails(await f.run(['auth', 'env', 'add', other.url]), 1, /not JSON|what a llamactl control plane sends/)
    expect((await envList()).map((e: {apiUrl: string}) => e.apiUrl)).to.deep.equal([DEFAULT, f.server.url])
  })

  it('add rejects what is not a URL as a usage error, and needs one when not interactive', async () => {
    fails(await f.run(['auth', 'env', 'add', 'not-a-url']), 2, /is not a URL/)
    fails(await f.run(['auth', 'env', 'add']), 2, /Missing API_URL argument/)
  })

  it('switch remembers the current profile per environment', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'mine']))
    ok(await f.run(['auth', 'env', 'add', other.url]))
    const switched = ok(await f.run(['auth', 'env', 'switch', other.url, '--json']))
    expect(json(switched)).to.deep.equal({apiUrl: other.url, current: true, minLlamactlVersion: '0.1.0', requiresAuth: false})
    expect(json(ok(await f.run(['auth', 'list', '--json'])))).to.deep.equal({environment: other.url, profiles: []})
    ok(await f.run(['auth', 'project', 'x']))
    ok(await f.run(['auth', 'env', 'switch', f.server.url]))
    const back = json(ok(await f.run(['auth', 'list', '--json'])))
    expect(back.profiles).to.deep.equal([{apiUrl: f.server.url, authType: 'api-key', current: true, name: 'mine', projectId: 'p1'}])
  })

  it('switch to an unknown URL is an error naming auth env add', async () => {
    const before = f.server.requests.length
    fails(await f.run(['auth', 'env', 'switch', 'https://unknown.example.com']), 1, /No environment https:\/\/unknown\.example\.com.*auth env add/)
    expect(f.server.requests.length).to.equal(before)
  })

  it('switch still switches, with a warning, when the server cannot be reached', async () => {
    ok(await f.run(['auth', 'env', 'add', other.url]))
    const url = other.url
    await other.stop()
    const result = ok(await f.run(['auth', 'env', 'switch', url]))
    expect(result.stderr).to.match(/Warning: Switched, but could not refresh the settings of/)
    expect((await envList()).find((e: {current: boolean}) => e.current).apiUrl).to.equal(url)
    other = await new TestControlPlane().start()
  })

  it('switch re-probes and updates the stored settings', async () => {
    ok(await f.run(['auth', 'env', 'add', other.url]))
    other.options.requiresAuth = true
    other.options.minLlamactlVersion = '0.2.0'
    ok(await f.run(['auth', 'env', 'switch', other.url]))
    expect((await envList()).find((e: {apiUrl: string}) => e.apiUrl === other.url)).to.deep.equal({
      apiUrl: other.url,
      current: true,
      minLlamactlVersion: '0.2.0',
      requiresAuth: true,
    })
  })

  it('delete removes the environment, its profiles and their secrets; the default becomes current', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
    const result = ok(await f.run(['auth', 'env', 'delete', f.server.url, '--json']))
    expect(json(result)).to.deep.equal({apiUrl: f.server.url, currentEnvironment: DEFAULT, removedProfiles: 1})
    expect(await envList()).to.deep.equal([{apiUrl: DEFAULT, current: true, minLlamactlVersion: null, requiresAuth: true}])
    expect(f.configText()).not.to.include(f.server.url)
    const secrets = JSON.parse((await import('node:fs')).readFileSync(`${f.dir}/secrets.json`, 'utf8'))
    expect(secrets.secrets).to.deep.equal({})
  })

  it('delete refuses the default environment and unknown ones', async () => {
    fails(await f.run(['auth', 'env', 'delete', DEFAULT]), 1, /default environment and can't be deleted/)
    fails(await f.run(['auth', 'env', 'delete', 'https://nope.example.com']), 1, /No environment/)
    fails(await f.run(['auth', 'env', 'delete']), 2, /Missing API_URL argument/)
  })
})
