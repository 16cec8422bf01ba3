import path from 'node:path'

import {normalizeApiUrl} from '../net/api-url.js'
import {readPythonProfilesDb, type PythonProfileRow, type PythonProfilesDb, type SqlValue} from '../stores/python-profiles-db.js'
import {secretAccount, type ProfileSecrets, type SecretStore} from '../stores/secret-store.js'
import {DEFAULT_API_URL, type EnvironmentRecord, isPrintable, type ProfileRecord} from '../model.js'
import type {StateDocument} from '../stores/schema.js'
import {mayExist} from '../stores/json-file.js'
import type {StateStore} from '../stores/state-store.js'
import {redactKey} from '../ui/redact.js'

/** A profile named in an import report: names only, never a secret. */
export interface ImportedProfileName {
  apiUrl: string
  name: string
}

/**
 * `auth import --json` (README). Every environment and profile of the source is in exactly one
 * of `added` and `skipped`; `current` is what the import made current (null where it left this
 * config's choice as it was).
 */
export interface ImportJson {
  current: {environment: null | string; profile: ImportedProfileName | null}
  environments: {added: string[]; skipped: string[]}
  profiles: {added: ImportedProfileName[]; skipped: ImportedProfileName[]}
  source: string
}

/** What an import will do to a config document, computed without side effects. */
export interface ImportPlan {
  environments: EnvironmentRecord[]
  profiles: Array<{record: ProfileRecord; secrets: null | ProfileSecrets}>
  report: ImportJson
  /** One line per skipped row that is a problem (a name clash, a bad value); known environments are not. */
  warnings: string[]
}

export interface ImportServiceDeps {
  /** How long to wait for a Python llamactl writing the file (see readPythonProfilesDb). */
  busyWaitMs?: number
  /** The Python llamactl's profiles.db in the config directory. */
  defaultSource: string
  /** The secret store, opened only when there is a secret to write. */
  secrets: () => Promise<SecretStore>
  /** The config file, without a first-run hook (this service is that hook). */
  state: StateStore
  warn: (message: string) => void
}

/** Longest profile name, project id or version string taken over. */
const MAX_TEXT = 200

/**
 * Takes over the Python llamactl's profiles.db: environments, profiles (secrets into the secret
 * store), the current environment and profile. Never changes the source, never overwrites a
 * profile, and writes all or nothing: secrets first, then one atomic config update; secrets
 * already written are removed again when the config update fails.
 */
export class ImportService {
  constructor(private readonly deps: ImportServiceDeps) {}

  /** `auth import`: imports `from` (default: profiles.db in the config dir) into the config, existing or not. */
  async import(from?: string): Promise<ImportJson> {
    return (await this.write(this.source(from), false))!
  }

  /**
   * The automatic import of a first run: only while there is still no config file, checked under
   * the config lock, so of several processes starting at once exactly one imports. Null when
   * another process got there first.
   */
  async importOnFirstRun(): Promise<ImportJson | null> {
    return this.write(this.deps.defaultSource, true)
  }

  /** `auth import --dry-run`: the same report as `import`, and nothing written. */
  async preview(from?: string): Promise<ImportJson> {
    const source = await this.read(this.source(from))
    const plan = planImport(await this.deps.state.read(), source)
    for (const warning of plan.warnings) this.deps.warn(warning)
    return plan.report
  }

  private async read(file: string): Promise<PythonProfilesDb> {
    return readPythonProfilesDb(file, {busyWaitMs: this.deps.busyWaitMs})
  }

  private source(from: string | undefined): string {
    return from === undefined ? this.deps.defaultSource : path.resolve(from)
  }

  private async write(file: string, onlyIfNoConfig: boolean): Promise<ImportJson | null> {
    const written: string[] = []
    let secrets: SecretStore | undefined
    let plan: ImportPlan | undefined
    try {
      await this.deps.state.update(async (doc) => {
        if (onlyIfNoConfig && (await mayExist(this.deps.state.file))) throw CONFIG_EXISTS
        plan = planImport(doc, await this.read(file))
        for (const {record, secrets: values} of plan.profiles) {
          if (!values) continue
          secrets ??= await this.deps.secrets()

          await secrets.set(secretAccount(record), values)
          written.push(secretAccount(record))
        }

        applyPlan(doc, plan)
      })
    } catch (error) {
      // Nothing half-imported: secrets of profiles that did not make it into the config go again.
      for (const account of written) {
        await secrets?.delete(account).catch(() => {})
      }

      if (error === CONFIG_EXISTS) return null
      throw error
    }

    for (const warning of plan!.warnings) this.deps.warn(warning)
    return plan!.report
  }
}

/** Thrown inside the config update to leave it without writing: another process imported first. */
const CONFIG_EXISTS = new Error('config.json exists')

/** The one line a person reads after an import (or a dry run): what came over and what to do about the old file. */
export function importSummary(report: ImportJson, options: {dryRun?: boolean} = {}): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
  const what = `${count(report.environments.added.length, 'environment')} and ${count(report.profiles.added.length, 'profile')}`
  const skipped = report.profiles.skipped.length > 0 ? ` (${count(report.profiles.skipped.length, 'profile')} skipped, see above)` : ''
  if (options.dryRun) return `Would import ${what} from the Python llamactl's ${report.source}${skipped}; nothing was written (--dry-run).`
  return (
    `Imported ${what} from the Python llamactl's ${report.source}${skipped}. ` +
    'That file was left as it was and still holds the keys in plain text: delete it once you no longer use the Python llamactl.'
  )
}

/**
 * Maps a profiles.db onto a config document: what to add, what to skip (and why), and what to
 * make current. Pure: `doc` is not changed (see applyPlan).
 *
 * Environments not here are added; known ones keep their settings here (their profiles still come
 * over). A profile whose name is taken in its environment is skipped, never overwritten. Rows with
 * values this llamactl can't use are skipped with a warning. The Python llamactl's current
 * environment becomes current only in a config that has no profile yet (nothing chosen here), and
 * its current profile only where that environment has none current here.
 */
export function planImport(doc: StateDocument, source: PythonProfilesDb): ImportPlan {
  const warnings: string[] = []
  const report: ImportJson = {
    current: {environment: null, profile: null},
    environments: {added: [], skipped: []},
    profiles: {added: [], skipped: []},
    source: source.file,
  }
  const known = new Set(doc.environments.map((e) => e.apiUrl))
  const added = new Map<string, EnvironmentRecord>()
  /** Environments whose rows were skipped as invalid: their profiles are skipped too. */
  const rejected = new Set<string>()

  for (const row of source.environments) {
    const apiUrl = apiUrlOf(row.api_url)
    if (apiUrl === undefined) {
      warnings.push(`Skipped environment ${show(row.api_url)} of profiles.db: its API URL is not an http(s) URL`)
      report.environments.skipped.push(display(row.api_url))
      continue
    }

    // Known here (or listed twice): kept as it is, its profiles still come over.
    if (known.has(apiUrl) || added.has(apiUrl) || rejected.has(apiUrl)) {
      report.environments.skipped.push(apiUrl)
      continue
    }

    const requiresAuth = row.requires_auth === 0 || row.requires_auth === 1 ? row.requires_auth === 1 : undefined
    const version = row.min_llamactl_version === null ? null : text(row.min_llamactl_version)
    const problem =
      requiresAuth === undefined
        ? `its requires_auth ${show(row.requires_auth)} is neither 0 nor 1`
        : version === undefined
          ? `its min_llamactl_version ${show(row.min_llamactl_version)} is not a version`
          : undefined
    if (problem) {
      rejected.add(apiUrl)
      warnings.push(`Skipped environment ${apiUrl} of profiles.db and its profiles: ${problem}`)
      report.environments.skipped.push(apiUrl)
      continue
    }

    added.set(apiUrl, {apiUrl, currentProfile: null, minLlamactlVersion: version!, requiresAuth: requiresAuth!})
    report.environments.added.push(apiUrl)
  }

  const profiles: ImportPlan['profiles'] = []
  const taken = new Set(doc.profiles.map((p) => key(p.apiUrl, p.name)))
  for (const row of source.profiles) {
    const apiUrl = apiUrlOf(row.api_url)
    const name = text(row.name)
    const listed = {apiUrl: apiUrl ?? display(row.api_url), name: typeof row.name === 'string' ? row.name : display(row.name)}
    const skip = (why: string) => {
      warnings.push(`Skipped profile ${show(listed.name)} of ${apiUrl ?? show(row.api_url)}: ${why}`)
      report.profiles.skipped.push(listed)
    }

    if (apiUrl === undefined) {
      skip('its API URL is not an http(s) URL')
      continue
    }

    if (!name) {
      skip('its name is empty, too long or not printable')
      continue
    }

    if (rejected.has(apiUrl)) {
      skip('its environment was skipped')
      continue
    }

    if (taken.has(key(apiUrl, name))) {
      skip('a profile with that name is already here (kept as it is)')
      continue
    }

    const mapped = mapProfile(row, apiUrl, name)
    if (typeof mapped === 'string') {
      skip(mapped)
      continue
    }

    // A profile of a URL without an environments row (older Python llamactl versions wrote
    // those): the environment comes with it; `auth env switch` probes its settings later.
    if (!known.has(apiUrl) && !added.has(apiUrl)) {
      added.set(apiUrl, {apiUrl, currentProfile: null, minLlamactlVersion: null, requiresAuth: true})
      report.environments.added.push(apiUrl)
    }

    taken.add(key(apiUrl, name))
    profiles.push(mapped)
    report.profiles.added.push({apiUrl, name})
  }

  // The current environment and, within it, the current profile (a bare name in the Python llamactl).
  const setting = source.settings.get('current_environment_api_url')
  const currentUrl = setting === undefined || setting === null ? DEFAULT_API_URL : apiUrlOf(setting)
  const usable = currentUrl !== undefined && (known.has(currentUrl) || added.has(currentUrl))
  if (usable && doc.profiles.length === 0) report.current.environment = currentUrl
  const currentName = source.settings.get('current_profile')
  const imported = profiles.find((p) => p.record.apiUrl === currentUrl && p.record.name === currentName)
  const here = doc.environments.find((e) => e.apiUrl === currentUrl)
  if (imported && !here?.currentProfile) report.current.profile = {apiUrl: currentUrl!, name: imported.record.name}

  return {environments: [...added.values()], profiles, report, warnings}
}

/** Applies a plan to the document being written (under the config lock). */
export function applyPlan(doc: StateDocument, plan: ImportPlan): void {
  doc.environments.push(...plan.environments)
  doc.profiles.push(...plan.profiles.map((p) => p.record))
  const {environment, profile} = plan.report.current
  if (profile) {
    const env = doc.environments.find((e) => e.apiUrl === profile.apiUrl)
    if (env) env.currentProfile = profile.name
  }

  if (environment) doc.currentEnvironment = environment
}

/**
 * One row as a profile and its secrets, or why it can't be imported. `device_oidc` marks a
 * browser-login profile (its `api_key` is the key the Python llamactl minted, `api_key_id` that
 * key's id for revoking it); a key alone is an API-key profile; neither is a key-less one.
 */
function mapProfile(row: PythonProfileRow, apiUrl: string, name: string): string | {record: ProfileRecord; secrets: null | ProfileSecrets} {
  const projectId = row.project_id === '' || row.project_id === null ? null : text(row.project_id)
  if (projectId === undefined) return `its project id ${show(row.project_id)} is not printable text`
  const apiKey = typeof row.api_key === 'string' ? row.api_key.trim() || null : null
  // It goes into an Authorization header: a value that can't be one is damage, not a key.
  if ((row.api_key !== null && typeof row.api_key !== 'string') || (apiKey && (/\s/.test(apiKey) || !isPrintable(apiKey))))
    return 'its API key is not a key (not printable text)'
  const base = {apiUrl, id: globalThis.crypto.randomUUID(), name, projectId}

  if (row.device_oidc === null) {
    if (!apiKey) return {record: {...base, authType: 'none'}, secrets: null}
    return {record: {...base, authType: 'api-key', keyHint: redactKey(apiKey)}, secrets: {apiKey}}
  }

  const oidc = parseDeviceOidc(row.device_oidc)
  if (typeof oidc === 'string') return oidc
  if (!apiKey) return 'it is a browser login without its API key'
  const keyId = row.api_key_id === null ? undefined : text(row.api_key_id)
  if (keyId === undefined && row.api_key_id !== null) return `its api_key_id ${show(row.api_key_id)} is not printable text`
  const record: ProfileRecord = {...base, authType: 'login', email: oidc.email, sub: oidc.sub}
  if (keyId) record.keyId = keyId
  const secrets: ProfileSecrets = {accessToken: oidc.accessToken, apiKey}
  if (oidc.refreshToken) secrets.refreshToken = oidc.refreshToken
  if (oidc.idToken) secrets.idToken = oidc.idToken
  return {record, secrets}
}

interface DeviceOidc {
  accessToken: string
  email: null | string
  idToken?: string
  refreshToken?: string
  sub: string
}

/**
 * The browser-login part of a row: `{"user_id", "email", "device_access_token",
 * "device_refresh_token"?, "device_id_token"?, ...}`. `client_id` and `discovery_url` are not kept:
 * a refresh asks the control plane where its provider is, as after `auth login`.
 */
function parseDeviceOidc(value: SqlValue): DeviceOidc | string {
  let parsed: unknown
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : undefined
  } catch {
    // Not JSON: reported just below, like any other shape.
  }

  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'its device_oidc (the browser-login data) is not a JSON object'
  const o = parsed as Record<string, unknown>
  const optional = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.length > 0)
  if (typeof o.user_id !== 'string' || !o.user_id) return 'its device_oidc has no user_id'
  if (typeof o.device_access_token !== 'string' || !o.device_access_token) return 'its device_oidc has no device_access_token'
  if (!optional(o.device_refresh_token) || !optional(o.device_id_token)) return 'its device_oidc has a token that is not text'
  const email = typeof o.email === 'string' ? text(o.email) : null
  return {
    accessToken: o.device_access_token,
    email: email ?? null,
    idToken: (o.device_id_token as string | null | undefined) ?? undefined,
    refreshToken: (o.device_refresh_token as string | null | undefined) ?? undefined,
    sub: o.user_id,
  }
}

const key = (apiUrl: string, name: string) => `${apiUrl}\n${name}`

/** A normalised API URL (see normalizeApiUrl), or undefined when the value is not one. */
function apiUrlOf(value: SqlValue): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    return normalizeApiUrl(value)
  } catch {
    return undefined
  }
}

/** Printable text of sane length, or undefined: names and ids end up on terminals and in tables. */
function text(value: SqlValue): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT || !isPrintable(value)) return undefined
  return value
}

/** A value as the report lists it (its JSON escapes whatever it holds). */
function display(value: SqlValue): string {
  if (value === null) return 'NULL'
  if (value instanceof Uint8Array) return `<${value.length} bytes>`
  return String(value)
}

/** A value quoted for a warning line: control characters escaped, never raw on the terminal. */
function show(value: SqlValue): string {
  return value === null ? 'NULL' : JSON.stringify(display(value)).slice(0, MAX_TEXT)
}
