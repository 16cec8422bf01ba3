import {expect} from 'chai'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {createsAnAutoNamedProfile} from './token.cases.js'

describe('auth token', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true})
  })
  afterEach(() => f.cleanup())

  it('creates an auto-named profile from a valid key, makes it current, and keeps the key out of config', () => createsAnAutoNamedProfile(f))

  it('reads the key from stdin with --api-key -', async () => {
    const result = ok(await f.run(['auth', 'token', '--api-key', '-', '--project-id', 'p1', '--name', 'ci'], {input: `${f.key}\n`}))
    expect(result.stderr).to.include('Created profile ci')
    expect(f.server.calls('list-projects')[0].authorization).to.equal(`Bearer ${f.key}`)
  })

  it('updates the profile that already holds the same key instead of adding a twin', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
    const again = ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p2']))
    expect(again.stderr).to.include('Updated profile')
    const {profiles} = json(ok(await f.run(['auth', 'list', '--json'])))
    expect(profiles).to.have.length(1)
    expect(profiles[0].projectId).to.equal('p2')
  })

  it('never repeats a key typed in the wrong place in a usage error', async () => {
    const misplaced = await f.run(['auth', 'token', `--apikey=${f.key}`, '--json'])
    fails(misplaced, 2, /Nonexistent flag: --apikey=…/)
    expect(misplaced.stderr + misplaced.stdout).not.to.include(f.key)
    const extra = await f.run(['auth', 'token', f.key])
    fails(extra, 2, /Unexpected argument: llx-..\*\*\*\*/)
    expect(extra.stderr).not.to.include(f.key)
    fails(await f.run(['auth', 'token', '--project-id']), 2, /Flag --project-id expects a value/)
  })

  it('is a usage error (exit 2) naming the missing flags when not interactive', async () => {
    fails(await f.run(['auth', 'token']), 2, /Missing --api-key and --project-id .*Pass both --api-key and --project-id$/)
    // Only what is missing is asked for: the key was passed.
    const noProject = await f.run(['auth', 'token', `--api-key=${f.key}`])
    fails(noProject, 2, /Missing --project-id .*Pass --project-id as well/)
    expect(noProject.stderr).not.to.include('--api-key')
    fails(await f.run(['auth', 'token', '--project-id', 'p1']), 2, /Missing --api-key\b.*Pass --api-key as well/)
    expect(f.server.calls('list-projects')).to.have.length(0)
  })

  it('reports a server failure with its request id, and stores nothing', async () => {
    f.server.fail({fault: {kind: 'status', status: 500}})
    const result = await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'])
    fails(result, 1, /failed with 500, request id req-\d+/)
    expect(result.stderr).not.to.include(f.key)
  })

  it('gives up on a slow server after LLAMACTL_HTTP_TIMEOUT_MS, storing nothing', async () => {
    f.server.fail({fault: {kind: 'slow', ms: 3000}, path: 'list-projects'})
    const result = await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {LLAMACTL_HTTP_TIMEOUT_MS: '300'}})
    fails(result, 1, /did not answer within 0\.3s/)
    expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles).to.deep.equal([])
  })

  it('prints a --json error document on stdout when it fails with --json', async () => {
    const result = await f.run(['auth', 'token', '--api-key', 'bad', '--project-id', 'p1', '--json'])
    expect(result.code).to.equal(1)
    expect(json(result).error.code).to.equal('invalid_key')
  })

  describe('interactive, in a terminal', () => {})
})
