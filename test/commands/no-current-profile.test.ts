import {expect} from 'chai'

import {fails, Fixture, json, ok, setUp} from '../support/fixture.js'
import {envSwitchSaysNoProfileIsCurrent, makeNoneCurrent} from './no-current-profile.cases.js'

describe('an environment with profiles but none current', function () {
  this.timeout(60_000)
  let f: Fixture
  afterEach(async () => {
    await f?.cleanup()
  })

  /** The fixture, its environment left with profiles but none current (makeNoneCurrent). */
  async function noneCurrent(): Promise<void> {
    f = await setUp({inProcess: true})
    await makeNoneCurrent(f)
  }

  it('auth env switch there says no profile is current and names auth use / auth switch', async () => {
    await noneCurrent()
    await envSwitchSaysNoProfileIsCurrent(f)
  })

  it('auth status and commands needing a credential name the profiles and auth use, not auth login', async () => {
    await noneCurrent()
    ok(await f.run(['auth', 'env', 'switch', f.server.url]))
    const line = `No credentials: no profile is current in ${f.server.url} (it has kept) and LLAMA_CLOUD_API_KEY is not set. Choose one with \`llamactl auth use NAME\` (or \`llamactl auth switch NAME\`), or set LLAMA_CLOUD_API_KEY and LLAMA_AGENTS_PROJECT_ID`
    const status = await f.run(['auth', 'status', '--json'])
    expect(status.code).to.equal(1)
    expect(json(status).check).to.deep.equal({message: line, requestId: null, result: 'no_credentials'})
    fails(await f.run(['auth', 'exec', '--', 'true']), 1, new RegExp(`^Error: ${line.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`))
  })
})
