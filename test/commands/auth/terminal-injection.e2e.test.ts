import {expect} from 'chai'

import {Fixture, json, ok, setUp} from '../../support/fixture.js'
import {KEYS, runInPty} from '../../support/pty.js'
import {hostileProjectIdRefused, ESC, TITLE} from './terminal-injection.cases.js'

describe('hostile strings never reach the terminal raw (text output); --json keeps them exact', function () {
  this.timeout(60_000)
  let f: Fixture
  afterEach(() => f?.cleanup())

  it("a hostile project id is refused where it enters: in the server's list (bad_response) and in --project-id (exit 2); one line, nothing raw, nothing stored", () =>
    hostileProjectIdRefused(async (options = {}) => (f = await setUp(options))))

  it('bidi overrides, isolates and line separators from a server are made visible in projects get, errors and the project picker; an id holding them is refused', async () => {
    // "Trojan Source": a right-to-left override makes what follows print reversed; U+2028 breaks the line in some terminals.
    const BIDI_NAME = 'Na\u202Eme\u2066x\u2069\u2028y'
    const SHOWN_BIDI = String.raw`Na\u202eme\u2066x\u2069\u2028y`
    const noBidi = (...texts: string[]) => {
      for (const text of texts) expect(/[\u2028\u2029\u202A-\u202E\u2066-\u2069]/.test(text), JSON.stringify(text)).to.equal(false)
    }

    f = await setUp()
    const key = f.server.addKey(undefined, {
      projects: [
        {deployment_count: 1, project_id: 'p1', project_name: BIDI_NAME},
        {deployment_count: 0, project_id: 'p2', project_name: null},
      ],
    })
    noBidi(...Object.values(ok(await f.run(['auth', 'token', '--api-key', key, '--project-id', 'p1']))))

    const listed = ok(await f.run(['projects', 'get']))
    noBidi(listed.stdout, listed.stderr)
    expect(listed.stdout).to.include(SHOWN_BIDI)
    expect(json(ok(await f.run(['projects', 'get', '-o', 'json'])))[0].project_name, 'JSON keeps the exact name').to.equal(BIDI_NAME)

    const picker = await runInPty(['auth', 'project'], {env: f.env, steps: [{send: KEYS.enter, waitFor: 'Choose a project'}]})
    expect(picker.code, picker.screen).to.equal(0)
    noBidi(picker.screen)
    expect(picker.screen).to.include(SHOWN_BIDI)

    // A project id is refused where it enters (it would end up in a .env, a table, a prompt): one line, nothing raw.
    const hostile = f.server.addKey(undefined, {projects: [{deployment_count: 1, project_id: 'p\u202Eevil', project_name: null}]})
    const refused = await f.run(['auth', 'token', '--api-key', hostile, '--project-id', 'p1'])
    expect(refused.code, refused.stderr).to.equal(1)
    expect(refused.stderr.trim().split('\n')).to.have.length(1)
    noBidi(refused.stdout, refused.stderr)
  })

  it('prompt choices made of hostile project names are escaped in a terminal (auth project)', async () => {
    f = await setUp({
      publicProjects: [
        {deployment_count: 1, project_id: 'p1', project_name: `Evil${TITLE}`},
        {deployment_count: 0, project_id: 'p2', project_name: null},
      ],
      requiresAuth: false,
    })
    const result = await runInPty(['auth', 'project'], {env: f.env, steps: [{send: KEYS.enter, waitFor: 'Choose a project'}]})
    expect(result.code, result.screen).to.equal(0)
    expect(result.screen).to.include(String.raw`Evil\u001b]0;pwned\u0007`)
    expect(result.screen).not.to.include(TITLE)
    expect(result.screen).not.to.include(`${ESC}]`)
  })
})
