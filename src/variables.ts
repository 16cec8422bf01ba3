import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'

import {CliError, UsageError} from './errors.js'

/**
 * Environment variables read the way the Python llamactl 0.10 reads them (llamactl-0.10.md,
 * "Environment variables"): its LLAMA_* settings come from pydantic-settings, which matches
 * names case-insensitively and parses booleans its own way, and it `expanduser()`s
 * LLAMACTL_CONFIG_DIR; its config dir rule (where `profiles.db` is) is here too. A small module on purpose: every command loads it.
 */

/**
 * The value of `name` in any spelling (`llama_cloud_api_key` for `LLAMA_CLOUD_API_KEY`). When
 * several spellings are set, the one that comes last in the environment wins: pydantic-settings
 * lower-cases every name into one mapping in the environment's order, so the Python llamactl
 * picks the same one for the same environment.
 */
export function readVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const wanted = name.toLowerCase()
  let value: string | undefined
  for (const key of Object.keys(env)) if (key.toLowerCase() === wanted && env[key] !== undefined) value = env[key]
  return value
}

/** `LLAMACTL_NATIVE_TLS` (and `--native-tls`, which sets it for the run): add the operating system's trust store (src/net/system-ca.ts). */
export const NATIVE_TLS_VARIABLE = 'LLAMACTL_NATIVE_TLS'

/**
 * `LLAMA_DEPLOY_USE_TRUSTSTORE`, what the Python llamactl's `--native-tls` sets and its HTTP
 * clients read (llama_agents.core.client.ssl_util): `1`, `true` or `yes` in any case turns the
 * operating system's trust store on; anything else is ignored, not an error, as there.
 */
export const TRUSTSTORE_VARIABLE = 'LLAMA_DEPLOY_USE_TRUSTSTORE'

const TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes'])
const FALSE = new Set(['0', 'f', 'false', 'n', 'no', 'off'])

/**
 * A boolean the pydantic (and click) way: `1/true/t/yes/y/on` or `0/false/f/no/n/off`, any
 * case, surrounding spaces ignored; unset or empty is undefined. Anything else is a usage
 * error naming the variable, never read as false.
 */
export function parseBoolean(name: string, raw: string | undefined): boolean | undefined {
  const value = raw?.trim().toLowerCase()
  if (!value) return undefined
  if (TRUE.has(value)) return true
  if (FALSE.has(value)) return false
  const shown = raw!.trim()
  throw new UsageError(
    `${name} must be a boolean (1, true, yes, on or 0, false, no, off), not ${JSON.stringify(shown.length > 20 ? `${shown.slice(0, 20)}…` : shown)}`,
    `Fix or unset it (e.g. ${name}=1)`,
  )
}

/** A boolean variable in any spelling of its name (readVariable, parseBoolean). */
export function booleanVariable(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  return parseBoolean(name, readVariable(env, name))
}

/**
 * The home directory of an account, as Python's `pwd` module finds it: `undefined` is the
 * current user (getpwuid), a name another account (getpwnam). Undefined when there is none.
 */
export type HomeLookup = (user: string | undefined) => string | undefined

/** Where path rules run: the platform and how accounts' homes are found (both faked in tests). */
export interface PathContext {
  homeOf?: HomeLookup
  platform?: NodeJS.Platform
}

/**
 * A path with a leading `~` or `~user` expanded exactly as the Python llamactl's
 * `Path(...).expanduser()` does (Python 3.8 and later):
 * - POSIX: `~` is `HOME` when set (even empty: then `/`), else the account's home; `~user` is
 *   that account's home (getpwnam).
 * - Windows: `~` is `USERPROFILE`, else `HOMEDRIVE` + `HOMEPATH` (never `HOME`); `~user` is the
 *   folder beside the current user's profile folder, when that one is named `USERNAME`.
 * Where Python can't ("Could not determine home directory.", exit 1) this is the same one line.
 */
export function expandHome(dir: string, env: NodeJS.ProcessEnv = process.env, context: PathContext = {}): string {
  if (!dir.startsWith('~')) return dir
  const windows = (context.platform ?? process.platform) === 'win32'
  const homeOf = context.homeOf ?? accountHome
  const end = windows ? dir.search(/[/\\]/) : dir.indexOf('/')
  const at = end < 0 ? dir.length : end
  const user = dir.slice(1, at)
  const home = windows ? windowsHome(env, user) : user === '' ? ('HOME' in env ? env.HOME! : homeOf(undefined)) : homeOf(user)
  if (home === undefined)
    throw new CliError(
      `LLAMACTL_CONFIG_DIR is ${JSON.stringify(dir)}: could not determine the home directory of ${user === '' ? 'the current user' : JSON.stringify(user)}`,
      {code: 'config_dir_invalid', suggestion: 'Give the full path (the Python llamactl stops here too: "Could not determine home directory.")'},
    )
  if (windows) return home + dir.slice(at)
  return home.replace(/\/+$/, '') + dir.slice(at) || '/'
}

/** ntpath.expanduser's home for `~` (user '') or `~user`, from the variables alone. */
function windowsHome(env: NodeJS.ProcessEnv, user: string): string | undefined {
  const get = (name: string) => readVariable(env, name)
  const profile = get('USERPROFILE')
  const homePath = get('HOMEPATH')
  if (profile === undefined && homePath === undefined) return undefined
  const home = profile ?? path.win32.join(get('HOMEDRIVE') ?? '', homePath!)
  if (user === '' || user === get('USERNAME')) return home
  // Python guesses another user's profile folder beside this one, only when this one is named for its user.
  if (get('USERNAME') !== path.win32.basename(home)) return undefined
  return path.win32.join(path.win32.dirname(home), user)
}

/**
 * The Python llamactl's config directory, where its `profiles.db` is (llama_agents/cli/paths.py):
 * `LLAMACTL_CONFIG_DIR`, else `%APPDATA%\llamactl` on Windows, else `$XDG_CONFIG_HOME/llamactl`,
 * else `~/.config/llamactl`, each `~` expanded.
 */
export function pythonConfigDir(env: NodeJS.ProcessEnv = process.env, context: PathContext = {}): string {
  const windows = (context.platform ?? process.platform) === 'win32'
  const get = (name: string) => (windows ? readVariable(env, name) : env[name])
  const override = get('LLAMACTL_CONFIG_DIR')
  if (override) return expandHome(override, env, context)
  if (windows) return expandHome(path.win32.join(get('APPDATA') ?? '~', 'llamactl'), env, context)
  const xdg = get('XDG_CONFIG_HOME')
  if (xdg) return path.posix.join(expandHome(xdg, env, context), 'llamactl')
  return path.posix.join(expandHome('~', env, context), '.config', 'llamactl')
}

/**
 * Where to look for the Python llamactl's profiles.db, given our config dir (oclif's). The same
 * dir wherever the two rules agree: with LLAMACTL_CONFIG_DIR, and on Linux and macOS (both
 * `$XDG_CONFIG_HOME/llamactl`, else `~/.config/llamactl`). On Windows without it, oclif's is
 * `%LOCALAPPDATA%\llamactl` and Python's `%APPDATA%\llamactl`: there, Python's.
 */
export function profilesDbDir(configDir: string, env: NodeJS.ProcessEnv = process.env, context: PathContext = {}): string {
  const windows = (context.platform ?? process.platform) === 'win32'
  return windows && !readVariable(env, 'LLAMACTL_CONFIG_DIR') ? pythonConfigDir(env, context) : configDir
}

/** Names getpwnam could know: anything else is no account (and never reaches a command line as an option). */
const ACCOUNT_NAME = /^[\w.$@][\w.$@-]*$/

/**
 * The real lookup: the current user's home from getpwuid (os.userInfo), another's from the
 * system's account database (`getent passwd`, which asks NSS as getpwnam does; on macOS
 * `dscl`, Open Directory). Run only for `~user`, so no command pays for it otherwise.
 */
function accountHome(user: string | undefined): string | undefined {
  try {
    if (user === undefined) return os.userInfo().homedir
    if (!ACCOUNT_NAME.test(user)) return undefined
    const {execFileSync} = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process')
    const run = (file: string, args: string[]) => execFileSync(file, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000})
    if (process.platform === 'darwin') return /^NFSHomeDirectory:\s*(.+)$/m.exec(run('dscl', ['.', '-read', `/Users/${user}`, 'NFSHomeDirectory']))?.[1]
    const entry = run('getent', ['passwd', user]).split('\n')[0].split(':')
    return entry[0] === user && entry.length >= 7 ? entry[5] : undefined
  } catch {
    return undefined
  }
}
