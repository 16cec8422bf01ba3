import {expect} from 'chai'

import {Fixture, json, ok, setUp} from '../../support/fixture.js'

/** The Python llamactl 0.10 names (credentials.md): the same commands and flags under their old names. */
describe('the Python llamactl 0.10 names', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  it('auth get = auth list, auth use = auth switch, and --project = --project-id', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project', 'p2', '--name', 'one']))
    ok(await f.run(['auth', 'token', '--api-key', f.server.addKey(), '--project-id', 'p1', '--name', 'two']))
    expect(json(ok(await f.run(['auth', 'get', '--json'])))).to.deep.equal(json(ok(await f.run(['auth', 'list', '--json']))))
    expect(json(ok(await f.run(['auth', 'use', 'one', '--json'])))).to.deep.include({current: true, name: 'one', projectId: 'p2'})
    expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles.find((p: {current: boolean}) => p.current).name).to.equal('one')
  })

  it('auth env get = auth env list, auth env use = auth env switch', async () => {
    expect(json(ok(await f.run(['auth', 'env', 'get', '--json'])))).to.deep.equal(json(ok(await f.run(['auth', 'env', 'list', '--json']))))
    expect(json(ok(await f.run(['auth', 'env', 'use', 'https://api.cloud.llamaindex.ai', '--json'])))).to.include({
      apiUrl: 'https://api.cloud.llamaindex.ai',
      current: true,
    })
    expect(json(ok(await f.run(['auth', 'env', 'use', f.server.url, '--json'])))).to.include({apiUrl: f.server.url, current: true})
  })

  it('help shows them as aliases, and --project in the --project-id help', async () => {
    for (const [id, alias] of [
      ['list', 'get'],
      ['switch', 'use'],
      ['env list', 'env get'],
      ['env switch', 'env use'],
    ]) {
      const help = ok(await f.run(['auth', ...id.split(' '), '--help']))
      expect(help.stdout, id).to.match(new RegExp(`ALIASES\\n  \\$ llamactl auth ${alias}\\n`))
    }

    for (const id of ['token', 'login', 'status', 'inject', 'exec'])
      expect(ok(await f.run(['auth', id, '--help'])).stdout, id).to.match(/--project-id=<value>[^\n]*\n?[^\n]*alias:\s+--project\)/)
  })
})
