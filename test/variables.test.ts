import {expect} from 'chai'
import os from 'node:os'
import path from 'node:path'

import {UsageError} from '../src/errors.js'
import {booleanVariable, expandHome, parseBoolean, readVariable} from '../src/variables.js'

describe('variables read as the Python llamactl reads them', () => {
  describe('readVariable (pydantic-settings, case_sensitive=False)', () => {
    it('finds a name in any case', () => {
      expect(readVariable({llama_cloud_api_key: 'k'}, 'LLAMA_CLOUD_API_KEY')).to.equal('k')
      expect(readVariable({Llama_Cloud_Api_Key: 'k'}, 'LLAMA_CLOUD_API_KEY')).to.equal('k')
      expect(readVariable({LLAMA_CLOUD_API_KEY: 'k'}, 'LLAMA_CLOUD_API_KEY')).to.equal('k')
      expect(readVariable({OTHER: 'k'}, 'LLAMA_CLOUD_API_KEY')).to.equal(undefined)
    })

    it('with several spellings set, takes the one that comes last in the environment, as pydantic-settings does', () => {
      expect(readVariable({LLAMA_CLOUD_API_KEY: 'upper', llama_cloud_api_key: 'lower'}, 'LLAMA_CLOUD_API_KEY')).to.equal('lower')
      expect(readVariable({llama_cloud_api_key: 'lower', LLAMA_CLOUD_API_KEY: 'upper'}, 'LLAMA_CLOUD_API_KEY')).to.equal('upper')
      // An empty value is a value (the caller decides that empty means unset).
      expect(readVariable({LLAMA_CLOUD_API_KEY: 'upper', llama_cloud_api_key: ''}, 'LLAMA_CLOUD_API_KEY')).to.equal('')
    })
  })

  describe('parseBoolean (pydantic and click booleans)', () => {
    it('reads 1/true/t/yes/y/on and 0/false/f/no/n/off in any case, surrounding spaces ignored', () => {
      for (const raw of ['1', 'true', 'T', 'Yes', 'y', 'ON', ' on ', '\ttrue\n']) expect(parseBoolean('LLAMA_CLOUD_USE_PROFILE', raw), raw).to.equal(true)
      for (const raw of ['0', 'false', 'F', 'No', 'n', 'OFF', ' off ']) expect(parseBoolean('LLAMA_CLOUD_USE_PROFILE', raw), raw).to.equal(false)
    })

    it('takes unset or empty (or only spaces) as unset', () => {
      for (const raw of [undefined, '', '   ']) expect(parseBoolean('LLAMA_CLOUD_USE_PROFILE', raw)).to.equal(undefined)
    })

    it('refuses anything else with a one-line usage error naming the variable and showing the value, bounded', () => {
      for (const raw of ['2', 'maybe', 'yes please', 'truee']) {
        let error: unknown
        try {
          parseBoolean('LLAMA_CLOUD_USE_PROFILE', raw)
        } catch (caught) {
          error = caught
        }

        expect(error, raw).to.be.instanceOf(UsageError)
        expect((error as UsageError).line).to.equal(
          `LLAMA_CLOUD_USE_PROFILE must be a boolean (1, true, yes, on or 0, false, no, off), not ${JSON.stringify(raw)}. Fix or unset it (e.g. LLAMA_CLOUD_USE_PROFILE=1)`,
        )
      }

      expect(() => parseBoolean('X', 'y'.repeat(500))).to.throw(UsageError, /not "y{20}…"$/)
    })

    it('booleanVariable combines both: llama_cloud_use_profile=On is true', () => {
      expect(booleanVariable({llama_cloud_use_profile: 'On'}, 'LLAMA_CLOUD_USE_PROFILE')).to.equal(true)
    })
  })

  describe('expandHome (Path.expanduser of LLAMACTL_CONFIG_DIR)', () => {
    it('makes a leading ~ or ~/ the home directory from HOME, and leaves other paths alone', () => {
      expect(expandHome('~/cfg', {HOME: '/home/u'})).to.equal(path.join('/home/u', 'cfg'))
      expect(expandHome('~/a/b', {HOME: '/home/u'})).to.equal(path.join('/home/u', 'a', 'b'))
      expect(expandHome('~', {HOME: '/home/u'})).to.equal('/home/u')
      expect(expandHome('/abs/~/x', {HOME: '/home/u'})).to.equal('/abs/~/x')
      expect(expandHome('rel/~', {HOME: '/home/u'})).to.equal('rel/~')
      // HOME unset: the account's home, as Python's expanduser (pwd), not Node's os.homedir().
      expect(expandHome('~/cfg', {})).to.equal(path.join(os.userInfo().homedir, 'cfg'))
    })

    it("expands another account's ~name to its home, as Python does (test/python-config-dir.test.ts has the rest)", () => {
      expect(expandHome('~root/cfg', {HOME: '/home/u'})).to.equal('/root/cfg')
    })
  })
})
