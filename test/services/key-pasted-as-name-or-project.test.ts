import {expect} from 'chai'

import type {UsageError} from '../../src/errors.js'
import {parseProjectId} from '../../src/flags.js'
import {InProcess, inProcess, rejection} from '../support/in-process.js'

/**
 * A key pasted as `--name` or `--project-id` was printed in full, stored in config.json in plain
 * text and offered by TAB. Refused before anything is asked or stored: a usage error (exit 2) in
 * one line that doesn't hold the key.
 */
describe('a key pasted as --name or --project-id is refused (usage, exit 2), nothing stored, the key not echoed', () => {
  let f: InProcess
  beforeEach(async () => {
    f = await inProcess()
  })
  afterEach(() => f.cleanup())

  const expectRefusal = (error: Error, key: string) => {
    // By code, not class: the service module may be loaded through another specifier than this file's import.
    expect((error as UsageError).code, error.message).to.equal('usage')
    expect((error as UsageError).exit).to.equal(2)
    expect((error as UsageError).line)
      .to.not.include(key)
      .and.not.include(key.slice(4, 16))
    expect((error as UsageError).line).to.not.include('\n')
  }

  it('auth token: the key (or a part of it, any case, without llx-) as --name or --project-id', async () => {
    const profiles = await f.services.profileService()
    const add = (options: {name?: string; projectId?: string}) =>
      rejection<Error>(
        profiles.addApiKey(f.env, {apiKey: f.key, interactive: false, prompter: async () => expect.fail('no prompt'), projectId: 'p1', ...options}),
      )
    for (const options of [{name: f.key}, {projectId: f.key}, {name: `ci ${f.key.slice(4)}`}, {projectId: f.key.slice(6, 30).toUpperCase()}]) {
      const error = await add(options)
      expectRefusal(error, f.key)
      expect(error.message, JSON.stringify(Object.keys(options))).to.match(/--name|--project-id/)
    }

    expect(f.config()?.profiles ?? []).to.deep.equal([])
    expect(f.server.calls(''), 'the server is asked nothing').to.deep.equal([])
  })

  it('any key-shaped --name (llx-…) is refused before the server is asked; the default name, the key redacted, is fine', async () => {
    const other = 'llx-0123456789abcdefOTHERKEY'
    const profiles = await f.services.profileService()
    expectRefusal(
      await rejection<Error>(profiles.addApiKey(f.env, {apiKey: f.key, interactive: false, name: other, prompter: async () => expect.fail(), projectId: 'p1'})),
      other,
    )
    expect(f.server.calls('')).to.deep.equal([])
    const {profile} = await profiles.addApiKey(f.env, {apiKey: f.key, interactive: false, prompter: async () => expect.fail(), projectId: 'p1'})
    expect(profile.name).to.match(/^llx-..\*\*\*\*....$/)
  })

  it('--project-id with a key shape, any key (the flag parser of every command that takes it, and `auth project`)', async () => {
    for (const value of ['llx-abcdefghijklmnop0123', 'LLX-ABCD1234', 'p/llx-Xq7Lm2Pz9Rt4']) expectRefusal(await rejection<Error>(parseProjectId(value)), value)
    for (const value of ['p1', 'a1b2c3d4-0000-4000-8000-000000000001', 'llx-ab****wxyz']) expect(await parseProjectId(value)).to.equal(value)
  })
})
