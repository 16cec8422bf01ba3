import {expect} from 'chai'

import {CliResult} from '../../support/cli.js'
import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {KEYS, runInPty} from '../../support/pty.js'

// What a hostile server or a careless paste puts in a string: an OSC that retitles the
// terminal, a CSI that clears it, a line break that fakes a second line, a C1 CSI.
const ESC = '\u001B'
const TITLE = `${ESC}]0;pwned\u0007`
const CLEAR = `${ESC}[2J`
const HOSTILE_ID = `p${TITLE}\n* evil${CLEAR}`

/** Text output holds no control character but tab and the line breaks we put between lines. */
function expectNoControls(...texts: string[]) {
  for (const text of texts) {
    // eslint-disable-next-line no-control-regex
    const found = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/.exec(text)
    expect(found, `a raw control character (U+${found?.[0].codePointAt(0)?.toString(16).padStart(4, '0')}) in ${JSON.stringify(text)}`).to.equal(null)
  }
}

/** Exactly one `Error:` line and nothing else on stderr. */
function oneErrorLine(result: CliResult) {
  expect(result.stderr.split('\n').filter(Boolean), result.stderr).to.have.length(1)
}

describe('hostile strings never reach the terminal raw (text output); --json keeps them exact', function () {
  this.timeout(60_000)
  let f: Fixture
  afterEach(() => f?.cleanup())

  it("a hostile project id is refused where it enters: in the server's list (bad_response) and in --project-id (exit 2); one line, nothing raw, nothing stored", async () => {
    f = await setUp()
    const key = f.server.addKey(undefined, {projects: [{deployment_count: 1, project_id: HOSTILE_ID, project_name: `Evil${TITLE}`}]})
    for (const projectId of ['p1', 'nope']) {
      const fromServer = await f.run(['auth', 'token', '--api-key', key, '--project-id', projectId])
      fails(fromServer, 1, /did not answer with what a llamactl control plane sends/)
      oneErrorLine(fromServer)
      expectNoControls(fromServer.stdout, fromServer.stderr)
    }

    const fromFlag = await f.run(['auth', 'token', '--api-key', key, '--project-id', HOSTILE_ID])
    fails(fromFlag, 2, /--project-id; it is not a project id/)
    expectNoControls(fromFlag.stdout, fromFlag.stderr)
    expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles).to.deep.equal([])
  })

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
