import os from 'node:os'
import path from 'node:path'

import {UsageError} from './errors.js'

/**
 * Environment variables read the way the Python llamactl 0.10 reads them (llamactl-0.10.md,
 * "Environment variables"): its LLAMA_* settings come from pydantic-settings, which matches
 * names case-insensitively and parses booleans its own way, and it `expanduser()`s
 * LLAMACTL_CONFIG_DIR. A small module on purpose: every command loads it.
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
 * A config directory with a leading `~` (alone or before `/`) made the home directory, as
 * Python's `Path.expanduser()` does: `HOME` when set, else the account's home. `~user` is
 * refused rather than taken as a folder named `~user` in the working directory.
 */
export function expandHome(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!dir.startsWith('~')) return dir
  const [head, ...rest] = dir.split(process.platform === 'win32' ? /(?=[/\\])/ : /(?=\/)/)
  if (head !== '~')
    throw new UsageError(`LLAMACTL_CONFIG_DIR is ${dir}: another account's home (${head}) is not expanded`, 'Give the full path, or start it with ~/')
  return path.join(env.HOME || os.homedir(), ...rest)
}
