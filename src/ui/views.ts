import {AuthType, EnvironmentRecord, ProfileRecord} from '../stores/schema.js'
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
