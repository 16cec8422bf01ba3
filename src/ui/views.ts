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

/** What `auth status` found out about the credential it checked (docs/credentials-guide.md, the `check.result` table). */
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

/*
 * The Python llamactl 0.10 read commands' data (`-o json|yaml` of `auth get`, `environments get`,
 * `projects get`, `organizations get`, `config`): its keys, in its order (llamactl-0.10.md).
 */

/** A profile as `auth get -o json` shows it; never a secret. */
export interface ProfileView {
  name: string
  api_url: string
  project_id: null | string
  active: boolean
  auth_type: 'none' | 'oidc' | 'token'
}

/** An environment as `environments get -o json` shows it. */
export interface EnvironmentView {
  api_url: string
  requires_auth: boolean
  active: boolean
}

/** A project as `projects get -o json` shows it. */
export interface ProjectView {
  project_id: string
  project_name: string
  deployment_count: number
  active: boolean
}

/** An organization as `organizations get -o json` shows it. */
export interface OrganizationView {
  org_id: string
  org_name: string
  is_default: boolean
  active: boolean
}

/** `config -o json`. */
export interface ConfigView {
  environment: null | string
  profile: null | string
  project_id: null | string
  project_name: null | string
}

const AUTH_TYPE_0_10 = {'api-key': 'token', login: 'oidc', none: 'none'} as const

export function profileView(profile: ProfileRecord, current: boolean): ProfileView {
  return {name: profile.name, api_url: profile.apiUrl, project_id: profile.projectId, active: current, auth_type: AUTH_TYPE_0_10[profile.authType]}
}

export function environmentView(env: EnvironmentRecord, current: boolean): EnvironmentView {
  return {api_url: env.apiUrl, requires_auth: env.requiresAuth, active: current}
}

/** A project the server listed; a nameless one is named by its id, as Python's ProjectSummary does. */
export function projectView(project: {deploymentCount: number; projectId: string; projectName: null | string}, current: boolean): ProjectView {
  return {project_id: project.projectId, project_name: project.projectName ?? project.projectId, deployment_count: project.deploymentCount, active: current}
}

export function organizationView(org: {isDefault: boolean; orgId: string; orgName: string}, active: boolean): OrganizationView {
  return {org_id: org.orgId, org_name: org.orgName, is_default: org.isDefault, active}
}

export const yesNo = (value: boolean): string => (value ? 'yes' : 'no')

/** `config` as text, as Python prints it. */
export function configText(config: ConfigView): string {
  const project = config.project_id && config.project_name ? `${config.project_name} (${config.project_id})` : (config.project_id ?? '(none)')
  return [`environment:  ${config.environment ?? '(none)'}`, `profile:      ${config.profile ?? '(none)'}`, `project:      ${project}`].join('\n')
}
