// The bodies of the tests terminal-injection.test.ts (in-process) and terminal-injection.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import type {CliResult} from '../../support/cli.js'
import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'

// What a hostile server or a careless paste puts in a string: an OSC that retitles the
// terminal, a CSI that clears it, a line break that fakes a second line.
export const ESC = '\u001B'
export const TITLE = `${ESC}]0;pwned\u0007`
export const CLEAR = `${ESC}[2J`
export const HOSTILE_ID = `p${TITLE}\n* evil${CLEAR}`

/** Text output holds no control character but tab and the line breaks we put between lines. */
export function expectNoControls(...texts: string[]): void {
  for (const text of texts) {
    // eslint-disable-next-line no-control-regex
    const found = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/.exec(text)
    expect(found, `a raw control character (U+${found?.[0].codePointAt(0)?.toString(16).padStart(4, '0')}) in ${JSON.stringify(text)}`).to.equal(null)
  }
}

/** Exactly one `Error:` line and nothing else on stderr. */
export function oneErrorLine(result: CliResult): void {
  expect(result.stderr.split('\n').filter(Boolean), result.stderr).to.have.length(1)
}

/** a hostile project id is refused where it enters: in the server's list (bad_response) and in --project-id (exit 2); one line, nothing raw, nothing stored */
export async function hostileProjectIdRefused(start: (options?: Parameters<typeof setUp>[0]) => Promise<Fixture>): Promise<void> {
  const f = await start()
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
}
