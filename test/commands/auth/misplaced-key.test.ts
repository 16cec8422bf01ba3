import {expect} from 'chai'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {authKeyIsOneRedactedLine, expectHidden} from './misplaced-key.cases.js'

describe('a key pasted in the wrong place is never echoed', function () {
  this.timeout(60_000)
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true})
  })
  afterEach(() => f.cleanup())

  describe('as a command (the command_not_found hook)', () => {
    it('auth <key> is one redacted line, exit 2', () => authKeyIsOneRedactedLine(f))

    it('auth tokn <key> suggests auth token and hides the key; with --json the error document says the same', async () => {
      const result = await f.run(['auth', 'tokn', f.key])
      fails(result, 2, /^Error: "llamactl auth tokn" is not a llamactl command\. Did you mean `llamactl auth token`\?/)
      expect(result.stderr.trimEnd().split('\n')).to.have.length(1)
      expectHidden(result, f.key)

      const asJson = await f.run(['auth', 'tokn', f.key, '--json'])
      expect(asJson.code).to.equal(2)
      expect(json(asJson).error).to.deep.include({code: 'usage'})
      expect(json(asJson).error.message).to.match(/Did you mean `llamactl auth token`\?/)
      expectHidden(asJson, f.key)
    })

    it('a typo under auth env is matched against the env commands', async () => {
      fails(
        await f.run(['auth', 'env', 'ad', 'https://example.com']),
        2,
        /"llamactl auth env ad" is not a llamactl command\. Did you mean `llamactl auth env add`\?/,
      )
    })

    it('a key that is not llx- shaped is still hidden when it is too long to be a command word', async () => {
      const key = 'abcdefghij0123456789'
      const result = await f.run(['auth', key])
      fails(result, 2, /"llamactl auth abcdef\*\*\*\*6789" is not a llamactl command/)
      expectHidden(result, key)
    })

    it('standalone (the plugin is the whole CLI) a mistyped command outside auth is one line with the closest command, exit 2', async () => {
      for (const args of [['authh', 'list'], ['authh:list'], ['authh', 'list', '--json']]) {
        const result = await f.run(args)
        fails(result, 2, /^Error: "llamactl authh list" is not a llamactl command\. Did you mean `llamactl auth list`\?$/)
        expect(result.stderr.trimEnd().split('\n'), args.join(' ')).to.have.length(1)
      }

      fails(await f.run(['nosuch']), 2, /^Error: "llamactl nosuch" is not a llamactl command\. See `llamactl --help`$/)
      fails(await f.run(['auht']), 2, /Did you mean `llamactl auth`\?$/)
    })

    it('standalone, a key typed as the command, or asked help for, is never echoed: llamactl <key>, llamactl help <key>, llamactl <key> --help', async () => {
      for (const args of [[f.key], ['help', f.key], [f.key, '--help'], [f.key, '-h'], ['help', 'auth', 'tokn', f.key], [`${f.key}:list`]]) {
        const result = await f.run(args)
        expect(result.code, args.join(' ')).to.equal(2)
        expect(result.stderr.trimEnd().split('\n'), args.join(' ')).to.have.length(1)
        expect(result.stderr).to.match(/^Error: "llamactl [^"]*" is not a llamactl command\./)
        expectHidden(result, f.key)
      }

      fails(await f.run(['help', 'auth', 'tokn']), 2, /^Error: "llamactl auth tokn" is not a llamactl command\. Did you mean `llamactl auth token`\?$/)
      // Help for what exists is untouched.
      expect(ok(await f.run(['help', 'auth', 'list'])).stdout).to.match(/^List login profiles/)
    })
  })

  it('auth token -k<key> (an unknown short flag with the key attached) hides the key', async () => {
    const result = await f.run(['auth', 'token', `-k${f.key}`])
    fails(result, 2, /Nonexistent flag: -k…/)
    expectHidden(result, f.key)
  })

  it('auth env add <key> says it is not a URL without repeating the key', async () => {
    for (const args of [[], ['--json']]) {
      const result = await f.run(['auth', 'env', 'add', f.key, ...args])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/Error: "llx-..\*\*\*\*.{4}" is not a URL/)
      expectHidden(result, f.key)
    }
  })

  it('auth switch|logout <key> say there is no such profile without repeating the key', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'work']))
    for (const command of ['switch', 'logout']) {
      const result = await f.run(['auth', command, f.key])
      fails(result, 1, /No profile named "llx-..\*\*\*\*.{4}" in .*Profiles here: work/)
      expectHidden(result, f.key)
    }
  })

  // A key's shape is refused as a project id before anything is asked (issue 23): a usage error now, not unknown_project.
  it('auth project <key> is a usage error (exit 2) about the key’s shape without repeating the key; --json too', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
    const result = await f.run(['auth', 'project', f.key])
    fails(result, 2, /has the shape of an API key/)
    expectHidden(result, f.key)
    const asJson = await f.run(['auth', 'project', f.key, '--json'])
    expect(json(asJson).error.code).to.equal('usage')
    expectHidden(asJson, f.key)
  })

  it('a long random key without the llx- prefix is redacted in errors too', async () => {
    const key = 'Xq7Lm2Pz9Rt4Vw8Yb3Nc6Kd1'
    const result = await f.run(['auth', 'switch', key])
    fails(result, 1, /No profile named "Xq7Lm2\*\*\*\*6Kd1"/)
    expectHidden(result, key)
  })

  it('an auto-name shows at most 4 characters of a key of 12 characters or fewer', async () => {
    const short = f.server.addKey('abcdefgh')
    const created = json(ok(await f.run(['auth', 'token', '--api-key', short, '--project-id', 'p1', '--json'])))
    expect(created.name).to.equal('ab****gh')
    const twelve = f.server.addKey('abcdefghijkl')
    expect(json(ok(await f.run(['auth', 'token', '--api-key', twelve, '--project-id', 'p1', '--json']))).name).to.equal('ab****kl')
  })
})
