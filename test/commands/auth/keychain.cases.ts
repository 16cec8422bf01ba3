// The bodies of the tests keychain.test.ts (in-process) and keychain.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {Fixture, ok} from '../../support/fixture.js'
import {keytar} from '../../support/keychain.js'

/** Every file in the config dir, as text: no secret may be in any of them. */
export const allConfigText = (dir: string): string =>
  readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isFile())
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n')

/** auth token puts the key in the keychain only; logout takes it out */
export async function authTokenKeyInKeychainOnly(f: Fixture): Promise<void> {
  const result = ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kc']))
  expect(result.stderr).not.to.include('Warning')
  const stored = (await keytar().findCredentials('llamactl')).filter((c) => c.password.includes(f.key))
  expect(stored).to.have.length(1)
  expect(stored[0].account).to.match(/^profile:/)
  expect(existsSync(path.join(f.dir, 'secrets.json'))).to.equal(false)
  expect(allConfigText(f.dir)).not.to.include(f.key)
  ok(await f.run(['auth', 'project', 'p2']))
  ok(await f.run(['auth', 'logout', 'kc']))
  expect(await keytar().getPassword('llamactl', stored[0].account)).to.equal(null)
}
