import type {AuthType, EnvironmentRecord, ProfileRecord} from '../model.js'
import {visible} from './terminal-text.js'

/** A profile as `--json` shows it (docs/formats.md); never a secret. */
export interface ProfileJson {
  apiUrl: string
  authType: AuthType
  current: boolean
  name: string
  projectId: null | string
}

/** An environment as `--json` shows it (docs/formats.md). */
export interface EnvironmentJson {
  apiUrl: string
  current: boolean
  minLlamactlVersion: null | string
  requiresAuth: boolean
}

export function profileJson(profile: ProfileRecord, current: boolean): ProfileJson {
  return {apiUrl: profile.apiUrl, authType: profile.authType, current, name: profile.name, projectId: profile.projectId}
}

export function environmentJson(env: EnvironmentRecord, current: boolean): EnvironmentJson {
  return {apiUrl: env.apiUrl, current, minLlamactlVersion: env.minLlamactlVersion, requiresAuth: env.requiresAuth}
}

/**
 * A plain-text table: a header, then rows; columns padded to their widest cell. Cells hold
 * server and user strings, so they are made visible first: a line break in one can't add a row.
 */
export function table(headers: string[], cells: string[][]): string {
  const rows = cells.map((row) => row.map((cell) => visible(cell)))
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}

/** `auth list --json` (docs/formats.md). */
export interface ProfileListJson {
  environment: string
  profiles: ProfileJson[]
}

/** `auth env list --json` (docs/formats.md). */
export interface EnvironmentListJson {
  environments: EnvironmentJson[]
}

/** `auth env delete --json`. */
export interface EnvironmentDeleteJson {
  apiUrl: string
  /** The environment current afterwards. */
  currentEnvironment: string
  removedProfiles: number
}

/** What `auth status` found out about the credential it checked (README, "auth status results"). */
export type CheckResult =
  'forbidden' | 'no_credentials' | 'ok' | 'rejected' | 'server_error' | 'session_expired' | 'skipped' | 'unknown_project' | 'unreachable'

/** `auth status --json` (credentials.md): where the credential in effect comes from and whether it works. No secret. */
export interface StatusJson {
  apiUrl: string
  authType: AuthType | null
  check: {message: string; requestId: null | string; result: CheckResult}
  keyHint: null | string
  /** Why the OS keychain is not used, when secrets fell back to the file (LLAMACTL_SECRET_STORE unset); else null. */
  keychainUnavailable: null | string
  login: null | {accessTokenExpiresAt: null | string; email: null | string; refreshable: boolean}
  overrides: null | string
  profile: null | string
  projectId: null | string
  secretStore: 'env' | 'file' | 'keychain' | null
  source: 'env' | 'flag' | 'none' | 'profile'
}

/** Whether `auth status` exits 0: a credential was found and (unless --offline) the server accepted it. */
export const statusOk = (status: StatusJson): boolean => status.check.result === 'ok' || status.check.result === 'skipped'

/**
 * `auth status` as text: one `Label: value` line per fact, then the check. Each value is made
 * visible on its own (src/ui/terminal-text.ts), so a line break in a server's project id can't
 * add a row. A failed check is only named here: its message is the command's one Error line.
 */
export function statusText(status: StatusJson): string {
  const source = {
    env: `LLAMA_CLOUD_API_KEY and LLAMA_AGENTS_PROJECT_ID${status.overrides ? ` (overriding profile '${status.overrides}')` : ''}`,
    flag: `profile ${status.profile} (--profile)`,
    none: 'none',
    profile: `profile ${status.profile} (the current profile)`,
  }[status.source]
  const store = status.secretStore === 'env' ? 'environment variable' : (status.secretStore ?? '-')
  const rows: Array<[string, string]> = [
    ['Credential', source],
    ['Environment', status.apiUrl],
  ]
  if (status.source !== 'none')
    rows.push(
      ['Project', status.projectId ?? '-'],
      ['Auth type', status.authType ?? '-'],
      ['Secret store', status.keychainUnavailable ? `${store} (no OS keychain: ${status.keychainUnavailable})` : store],
      ['API key', status.keyHint ?? '-'],
    )
  if (status.login)
    rows.push(
      ['Email', status.login.email ?? '-'],
      [
        'Access token',
        status.login.accessTokenExpiresAt
          ? `${Date.parse(status.login.accessTokenExpiresAt) > Date.now() ? 'expires' : 'expired'} ${status.login.accessTokenExpiresAt}`
          : 'expiry unknown',
      ],
      ['Refresh token', status.login.refreshable ? 'held' : 'none'],
    )
  rows.push(['Check', statusOk(status) ? `${status.check.result}: ${status.check.message}` : status.check.result])
  // One column for every report, whichever rows it has: the widest label is "Refresh token:".
  return rows.map(([label, value]) => `${`${label}:`.padEnd(14)}  ${visible(value)}`).join('\n')
}

/** `auth inject --json` (credentials.md): the file and the names written, never the values. */
export interface InjectJson {
  envFile: string
  variables: string[]
}

/** Names as a sentence: `A`, `A and B`, `A, B and C`. */
export function nameList(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/** Where a credential came from, in a few words: `profile ci`, or the variables. */
export function credentialSource(credentials: {profile: null | string; source: string}): string {
  return credentials.source === 'env' ? 'from LLAMA_CLOUD_API_KEY and LLAMA_AGENTS_PROJECT_ID' : `profile ${credentials.profile}`
}
