import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import os from 'node:os'

import {CliError} from '../src/errors.js'
import {expandHome, type HomeLookup, profilesDbDir, pythonConfigDir} from '../src/variables.js'

/**
 * The Python llamactl's path rules (llama_agents/cli/paths.py of 0.10.3, and Python 3.11's
 * posixpath/ntpath.expanduser under pathlib's Path.expanduser), with the answers Python gave for
 * each case written in. Windows and macOS are faked (the platform and its variables): these
 * tests run on Linux.
 */
describe("The Python llamactl's path rules: ~ and ~user, its config dir, where profiles.db is", () => {
  /** The account database of a fake machine. */
  const accounts: HomeLookup = (user) => ({ann: '/home/ann', root: '/root', [String(undefined)]: '/home/self'})[String(user)]

  describe('expandHome on POSIX (posixpath.expanduser)', () => {
    const expand = (dir: string, env: NodeJS.ProcessEnv = {HOME: '/home/u'}) => expandHome(dir, env, {homeOf: accounts, platform: 'linux'})

    it('expands ~user to that account\'s home, as Python does (not a refusal): "~ann/cfg" is /home/ann/cfg', () => {
      expect(expand('~ann/cfg')).to.equal('/home/ann/cfg')
      expect(expand('~root')).to.equal('/root')
      expect(expand('~root/a/b/')).to.equal('/root/a/b/')
    })

    it('takes ~ from HOME when it is set, even empty (then /), else from the account database; trailing slashes of HOME go', () => {
      expect(expand('~/cfg', {HOME: '/home/u/'})).to.equal('/home/u/cfg')
      expect(expand('~/cfg', {HOME: ''})).to.equal('/cfg')
      expect(expand('~', {HOME: '/'})).to.equal('/')
      expect(expand('~/x', {})).to.equal('/home/self/x')
      expect(expand('a/~/b')).to.equal('a/~/b')
    })

    it('stops with one line (exit 1) where Python says "Could not determine home directory.": an unknown account', () => {
      const error = catchError(() => expand('~nobody-here/cfg'))
      expect(error).to.be.instanceOf(CliError)
      expect((error as CliError).exit).to.equal(1)
      expect((error as CliError).line).to.equal(
        'LLAMACTL_CONFIG_DIR is "~nobody-here/cfg": could not determine the home directory of "nobody-here". Give the full path (the Python llamactl stops here too: "Could not determine home directory.")',
      )
    })

    it('looks accounts up in the real account database (getent) on this machine: root, the current user, and no such user', () => {
      const rootHome = readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .find((line) => line.startsWith('root:'))!
        .split(':')[5]
      expect(expandHome('~root/cfg', {HOME: '/elsewhere'})).to.equal(`${rootHome}/cfg`)
      const me = os.userInfo()
      expect(expandHome(`~${me.username}/cfg`, {HOME: '/elsewhere'})).to.equal(`${me.homedir}/cfg`)
      expect(expandHome('~/cfg', {})).to.equal(`${me.homedir}/cfg`)
      expect(() => expandHome('~no-such-user-llamactl/cfg', {HOME: '/h'})).to.throw(
        CliError,
        'could not determine the home directory of "no-such-user-llamactl"',
      )
      // A name that could be an option or a number is no account name (getent would take 0 as uid 0).
      expect(() => expandHome('~-s/cfg', {HOME: '/h'})).to.throw(CliError)
      expect(() => expandHome('~0/cfg', {HOME: '/h'})).to.throw(CliError)
    })
  })

  describe('expandHome on Windows (ntpath.expanduser), faked', () => {
    const expand = (dir: string, env: NodeJS.ProcessEnv) => expandHome(dir, env, {homeOf: accounts, platform: 'win32'})

    it('takes ~ from USERPROFILE, else HOMEDRIVE + HOMEPATH, never from HOME; either separator ends the name', () => {
      expect(expand('~\\cfg', {HOME: 'X:\\h', USERPROFILE: 'C:\\Users\\ann'})).to.equal('C:\\Users\\ann\\cfg')
      expect(expand('~/cfg', {HOMEDRIVE: 'D:', HOMEPATH: '\\Users\\ann'})).to.equal('D:\\Users\\ann/cfg')
      expect(expand('~', {HOMEPATH: '\\Users\\ann'})).to.equal('\\Users\\ann')
      expect(expand('~\\cfg', {userprofile: 'C:\\Users\\ann'}), 'variable names in any case').to.equal('C:\\Users\\ann\\cfg')
    })

    it("finds ~user beside the current user's profile folder only when that folder is named USERNAME; otherwise one line", () => {
      expect(expand('~bob\\cfg', {USERNAME: 'ann', USERPROFILE: 'C:\\Users\\ann'})).to.equal('C:\\Users\\bob\\cfg')
      expect(expand('~ann\\cfg', {USERNAME: 'ann', USERPROFILE: 'C:\\Users\\ann'})).to.equal('C:\\Users\\ann\\cfg')
      expect(() => expand('~bob\\cfg', {USERNAME: 'ann', USERPROFILE: 'C:\\Profiles\\x'})).to.throw(CliError, 'of "bob"')
      expect(() => expand('~bob/cfg', {USERPROFILE: 'C:\\Users\\ann'})).to.throw(CliError, 'of "bob"')
      expect(() => expand('~\\cfg', {HOME: 'C:\\h'})).to.throw(CliError, 'of the current user')
    })
  })

  describe("pythonConfigDir (paths.py's resolve_llamactl_config_dir) and where profiles.db is read", () => {
    const linux = {homeOf: accounts, platform: 'linux'} as const
    const mac = {homeOf: accounts, platform: 'darwin'} as const
    const windows = {homeOf: accounts, platform: 'win32'} as const

    it('Linux and macOS: LLAMACTL_CONFIG_DIR (~ expanded), else $XDG_CONFIG_HOME/llamactl (~ expanded), else ~/.config/llamactl; an empty variable is unset', () => {
      for (const platform of [linux, mac]) {
        expect(pythonConfigDir({HOME: '/h', LLAMACTL_CONFIG_DIR: '~ann/c', XDG_CONFIG_HOME: '/x'}, platform)).to.equal('/home/ann/c')
        expect(pythonConfigDir({HOME: '/h', LLAMACTL_CONFIG_DIR: '', XDG_CONFIG_HOME: '~/x'}, platform)).to.equal('/h/x/llamactl')
        expect(pythonConfigDir({HOME: '/h', XDG_CONFIG_HOME: ''}, platform)).to.equal('/h/.config/llamactl')
        expect(pythonConfigDir({}, platform)).to.equal('/home/self/.config/llamactl')
        // Python's os.environ is case-sensitive here: another spelling is another variable.
        expect(pythonConfigDir({HOME: '/h', llamactl_config_dir: '/c'}, platform)).to.equal('/h/.config/llamactl')
      }
    })

    it("Windows: %APPDATA%\\llamactl (not oclif's %LOCALAPPDATA%), else ~\\llamactl; LLAMACTL_CONFIG_DIR first; XDG_CONFIG_HOME is not read", () => {
      const env = {
        APPDATA: 'C:\\Users\\ann\\AppData\\Roaming',
        LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local',
        USERPROFILE: 'C:\\Users\\ann',
        XDG_CONFIG_HOME: 'C:\\xdg',
      }
      expect(pythonConfigDir(env, windows)).to.equal('C:\\Users\\ann\\AppData\\Roaming\\llamactl')
      expect(pythonConfigDir({...env, APPDATA: undefined}, windows)).to.equal('C:\\Users\\ann\\llamactl')
      expect(pythonConfigDir({...env, Llamactl_Config_Dir: '~\\cfg'}, windows), 'any case on Windows').to.equal('C:\\Users\\ann\\cfg')
    })

    it("reads profiles.db from Python's dir on Windows, from ours where the rules agree (LLAMACTL_CONFIG_DIR set, Linux, macOS)", () => {
      const ours = 'C:\\Users\\ann\\AppData\\Local\\llamactl'
      const env = {APPDATA: 'C:\\Users\\ann\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local', USERPROFILE: 'C:\\Users\\ann'}
      expect(profilesDbDir(ours, env, windows)).to.equal('C:\\Users\\ann\\AppData\\Roaming\\llamactl')
      expect(profilesDbDir('D:\\cfg', {...env, LLAMACTL_CONFIG_DIR: 'D:\\cfg'}, windows)).to.equal('D:\\cfg')
      expect(profilesDbDir('/home/ann/.config/llamactl', {HOME: '/home/ann'}, linux)).to.equal('/home/ann/.config/llamactl')
      expect(profilesDbDir('/tmp/cfg', {HOME: '/home/ann'}, mac)).to.equal('/tmp/cfg')
    })
  })
})

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }

  return expect.fail('expected an error')
}
