// The bodies of the tests status.test.ts (in-process) and status.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {Fixture, ok} from '../../support/fixture.js'

/** explains the current profile and checks it: the text report on stdout, nothing on stderr, exit 0 */
export async function statusExplainsTheCurrentProfile(f: Fixture): Promise<void> {
  const result = ok(await f.run(['auth', 'status']))
  expect(result.stdout.split('\n')).to.deep.equal([
    'Credential:     profile ci (the current profile)',
    `Environment:    ${f.server.url}`,
    'Project:        p1',
    'Auth type:      api-key',
    'Secret store:   file',
    `API key:        ${f.key.slice(0, 6)}****${f.key.slice(-4)}`,
    `Check:          ok: ${f.server.url} accepted the API key for project p1`,
    '',
  ])
  expect(result.stderr).to.equal('')
  expect(result.stdout).to.not.include(f.key)
}
