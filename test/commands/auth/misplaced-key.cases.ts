// The bodies of the tests misplaced-key.test.ts (in-process) and misplaced-key.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import type {CliResult} from '../../support/cli.js'
import {fails, Fixture} from '../../support/fixture.js'

/** auth <key> is one redacted line, exit 2 */
export async function authKeyIsOneRedactedLine(f: Fixture): Promise<void> {
  const result = await f.run(['auth', f.key])
  fails(result, 2, /^Error: "llamactl auth llx-..\*\*\*\*.{4}" is not a llamactl command\. See `llamactl auth --help`$/)
  expect(result.stderr.trimEnd().split('\n')).to.have.length(1)
  expectHidden(result, f.key)
}

/** Neither stream holds the key, nor a long piece of it. */
export function expectHidden(result: CliResult, key: string): void {
  const output = result.stdout + result.stderr
  expect(output).not.to.include(key)
  expect(output).not.to.include(key.slice(4, 14))
}
