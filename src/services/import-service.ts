import {createHash} from 'node:crypto'
import {promises as fs} from 'node:fs'
import {constants} from 'node:os'
import path from 'node:path'

import {normalizeApiUrl} from '../api-url.js'
import {CliError} from '../errors.js'
import {readPythonProfilesDb, type PythonProfileRow, type PythonProfilesDb, type SqlValue} from '../stores/python-profiles-db.js'
import {secretAccount, type ProfileSecrets, type SecretStore} from '../stores/secret-store.js'
import {ImportJournal, sweepImportLeftovers} from '../stores/import-journal.js'
import {DEFAULT_API_URL, type EnvironmentRecord, isPrintable, type ProfileRecord} from '../model.js'
import {changedSince, type PythonImportRecord, type StateDocument} from '../stores/schema.js'
import {mayExist, notOwnFile} from '../stores/json-file.js'
import type {StateStore} from '../stores/state-store.js'
import {redactKey} from '../ui/redact.js'

/** A profile named in an import report: names only, never a secret. */
export interface ImportedProfileName {
  apiUrl: string
  name: string
}

/**
 * `auth import --json` (docs/python.md). Every environment and profile of the source is in exactly one
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
  /** Why each warning's row was skipped, in the same order: what warningLines counts. */
  skipReasons: string[]
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
/** Longest API key taken over: keys are tens of characters; a longer value is damage or an attack (a 5 MB row would go to the keychain). */
const MAX_SECRET = 4096
/** Longest device_oidc (the browser-login JSON with its tokens): a few JWTs. */
const MAX_DEVICE_OIDC = 4 * MAX_SECRET

const tooLong = (value: SqlValue, max: number) => (typeof value === 'string' || value instanceof Uint8Array) && value.length > max

/**
 * Takes over the Python llamactl's profiles.db: environments, profiles (secrets into the secret
 * store), the current environment and profile. Never changes the source, never overwrites a
 * profile, and writes all or nothing: secrets first, then one atomic config update; secrets
 * already written are removed again when the config update fails.
 */
export class ImportService {
  private warnedUntrusted = false

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
    const file = this.deps.defaultSource
    const untrusted = await notOwnDb(file)
    if (untrusted) {
      if (!this.warnedUntrusted)
        this.deps.warn(`${file} was not imported: ${untrusted}, so it may not be your Python llamactl's. If it is, run \`llamactl auth import --from ${file}\``)
      this.warnedUntrusted = true
      return null
    }

    return this.write(file, true)
  }

  /** `auth import --dry-run`: the same report as `import`, and nothing written. */
  async preview(from?: string): Promise<ImportJson> {
    const source = await this.read(this.source(from))
    const plan = planImport(await this.deps.state.read(), source)
    for (const warning of warningLines(plan)) this.deps.warn(warning)
    return plan.report
  }

  /**
   * The run after profiles.db changed since an import or sync last read it (size, mtime, then
   * content): brings in what is new or changed there, under the first import's rules (the file
   * must be the user's own; everything it claims is bounded; all or nothing), where what was
   * changed here wins. Null when nothing came in (another process synced first, or the bytes are
   * the same); a file that can't be used is recorded, so its warning is given once per change.
   */
  async syncOnChange(): Promise<null | SyncReport> {
    const file = this.deps.defaultSource
    const untrusted = await notOwnDb(file)
    if (untrusted) {
      this.deps.warn(
        `${file} changed but was not read: ${untrusted}, so it may not be your Python llamactl's. If it is, run \`llamactl auth import --from ${file}\``,
      )
      await this.deps.state.update(async (doc) => {
        doc.pythonImport = unreadRecord(doc, file, await fs.stat(file))
      })
      return null
    }

    const writes = new SecretWrites(path.dirname(this.deps.state.file), this.deps.secrets)
    let plan: SyncPlan | undefined
    let unusable: CliError | undefined
    try {
      await this.deps.state.update(async (doc) => {
        const previous = doc.pythonImport
        if (previous && !changedSince(previous, file, await fs.stat(file))) throw UP_TO_DATE
        let source: PythonProfilesDb
        try {
          source = await this.read(file)
        } catch (error) {
          // Said once per change of the file; a writer at work (locked) is tried again next time.
          if (!(error instanceof CliError) || error.code === 'import_locked') throw error
          unusable = error
          doc.pythonImport = unreadRecord(doc, file, await fs.stat(file))
          return
        }

        if (previous?.source === file && previous.sha256 === source.fingerprint.sha256) {
          doc.pythonImport = {...previous, mtimeMs: source.fingerprint.mtimeMs, size: source.fingerprint.size}
          return
        }

        plan = planSync(doc, source, previous)
        const batch = [...plan.base.profiles, ...plan.updated].flatMap(({record, secrets: values}) =>
          values ? [[secretAccount(record), values] as const] : [],
        )
        await writes.write(batch)
        writes.interruption.check()
        applySync(doc, plan, source)
      })
    } catch (error) {
      await writes.undo()
      if (error === UP_TO_DATE) return null
      throw error
    }

    writes.done()
    if (unusable) throw unusable
    if (!plan) return null
    // The replaced profiles' secrets, once the config no longer names them.
    const replaced = plan.updated.filter((u) => u.replaces.authType !== 'none').map((u) => secretAccount(u.replaces))
    if (replaced.length > 0) await (writes.store ?? (await this.deps.secrets())).deleteMany(replaced).catch(() => {})
    for (const warning of warningLines(plan.base)) this.deps.warn(warning)
    return plan.report
  }

  private async read(file: string): Promise<PythonProfilesDb> {
    return readPythonProfilesDb(file, {busyWaitMs: this.deps.busyWaitMs})
  }

  private source(from: string | undefined): string {
    return from === undefined ? this.deps.defaultSource : path.resolve(from)
  }

  private async write(file: string, onlyIfNoConfig: boolean): Promise<ImportJson | null> {
    const writes = new SecretWrites(path.dirname(this.deps.state.file), this.deps.secrets)
    let plan: ImportPlan | undefined
    try {
      await this.deps.state.update(async (doc) => {
        if (onlyIfNoConfig && mayExist(this.deps.state.file)) throw CONFIG_EXISTS
        await sweepImportLeftovers(path.dirname(this.deps.state.file), new Set(doc.profiles.map(secretAccount)), this.deps.secrets)
        const source = await this.read(file)
        plan = planImport(doc, source)
        const batch = plan.profiles.flatMap(({record, secrets: values}) => (values ? [[secretAccount(record), values] as const] : []))
        await writes.write(batch)
        // The last moment to stop: once the config is written the import is whole.
        writes.interruption.check()
        applyPlan(doc, plan)
        // What a later run compares with to bring in what changed there (syncOnChange).
        if (file === this.deps.defaultSource) doc.pythonImport = recordOf(doc, source, doc.pythonImport, plan.profiles)
      })
    } catch (error) {
      await writes.undo()
      if (error === CONFIG_EXISTS) return null
      throw error
    }

    writes.done()
    for (const warning of warningLines(plan!)) this.deps.warn(warning)
    return plan!.report
  }
}

/**
 * The keychain writes of one import or sync, all or nothing with the config update around them:
 * each account is noted in a journal before it is written (a kill mid-write leaves it for the next
 * import to sweep by), and `undo` removes what was written when the update did not go through.
 */
class SecretWrites {
  readonly interruption = new Interruption()
  store: SecretStore | undefined
  private journal: ImportJournal | undefined
  private written: string[] = []

  constructor(
    private readonly configDir: string,
    private readonly open: () => Promise<SecretStore>,
  ) {}

  async write(batch: ReadonlyArray<readonly [account: string, secrets: ProfileSecrets]>): Promise<void> {
    if (batch.length === 0) return
    this.store ??= await this.open()
    this.interruption.check()
    this.journal = new ImportJournal(this.configDir)
    this.written = await this.store.setMany(batch, () => this.interruption.signal !== undefined, this.journal)
  }

  /** Nothing half-imported: the secrets written go again; the journal stays when that fails too. */
  async undo(): Promise<void> {
    if (this.written.length > 0)
      await this.store?.deleteMany(this.written).then(
        () => this.journal?.end(),
        () => {},
      )
    this.interruption.end()
  }

  done(): void {
    this.journal?.end()
    this.interruption.end()
  }
}

/** Thrown to leave an import on SIGINT, SIGTERM or SIGHUP (see Interruption). */
const INTERRUPTED = new Error('interrupted')

/**
 * SIGINT, SIGTERM and SIGHUP during an import: noted rather than fatal, so the import stops at
 * its next step (check) and removes what it wrote; then `end` ends the process (exit 128 + the
 * signal's number). An import is whole or absent: a next run (a first
 * run again, with no config.json) imports from scratch, never on top of half of one.
 */
class Interruption {
  signal: NodeJS.Signals | undefined
  private readonly handlers = (['SIGHUP', 'SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      this.signal ??= signal
    }

    process.on(signal, handler)
    return [signal, handler] as const
  })

  /** Throws when a signal came. */
  check(): void {
    if (this.signal) throw INTERRUPTED
  }

  /** Removes the handlers; after a signal, ends the process with the status a shell gives a death by it (128 + its number). */
  end(): void {
    for (const [signal, handler] of this.handlers) process.removeListener(signal, handler)
    // Not raised again: other listeners (the lock library's exit hook) would only delay the end.
    if (this.signal) process.exit(128 + constants.signals[this.signal])
  }
}

/** At most this many warning lines for skipped rows; more are summed up in one. */
const MAX_WARNING_LINES = 10

/** A plan's warnings as printed: one line each, or for many a single line counting them by reason. */
export function warningLines(plan: ImportPlan): string[] {
  if (plan.warnings.length <= MAX_WARNING_LINES) return plan.warnings
  const reasons = new Map<string, number>()
  for (const reason of plan.skipReasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  const counts = [...reasons].map(([reason, n]) => `${reason} (${n})`).join('; ')
  return [`Skipped ${plan.warnings.length} rows of profiles.db: ${counts}. \`llamactl auth import --dry-run --json\` lists them`]
}

/**
 * Why a profiles.db is not one to import without being asked (notOwnFile, the rule config.json
 * is read by): in a shared config dir anyone could plant one that makes their control plane
 * current. Undefined for the user's own private file.
 */
async function notOwnDb(file: string): Promise<string | undefined> {
  return notOwnFile(await Promise.all([fs.lstat(file), fs.stat(file)]))
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
  const skipReasons: string[] = []
  const warn = (what: string, why: string) => {
    warnings.push(`${what}: ${why}`)
    // Counted by kind: a reason without the row's own value.
    skipReasons.push(why.replace(/ "(?:[^"\\]|\\.)*"?| NULL| <\d+ bytes>/g, ''))
  }

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
      warn(`Skipped environment ${show(row.api_url)} of profiles.db`, 'its API URL is not an http(s) URL')
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
      warn(`Skipped environment ${apiUrl} of profiles.db and its profiles`, problem)
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
      warn(`Skipped profile ${show(listed.name)} of ${apiUrl ?? show(row.api_url)}`, why)
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

  return {environments: [...added.values()], profiles, report, skipReasons, warnings}
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
  if (tooLong(row.api_key, MAX_SECRET)) return `its API key is longer than ${MAX_SECRET} characters (not a key)`
  if (tooLong(row.device_oidc, MAX_DEVICE_OIDC)) return `its device_oidc (the browser-login data) is longer than ${MAX_DEVICE_OIDC} characters`
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

/** Thrown inside the config update to leave it without writing: another process brought the changes in first. */
const UP_TO_DATE = new Error('profiles.db already read')

/** What a sync brought in, for its one line. */
export interface SyncReport {
  /** The current environment and profile switched to, following a switch made there. */
  current: {environment: null | string; profile: null | string}
  environments: string[]
  /** Rows changed (or added) there whose profile here was changed here, or made here under that name: ours kept. */
  kept: ImportedProfileName[]
  profiles: {added: ImportedProfileName[]; updated: ImportedProfileName[]}
  source: string
}

/** A sync: what an import of the new rows does, the profiles to replace by their changed rows, and a switch to follow. */
export interface SyncPlan {
  /** Profiles here that new rows turned out to be (the same values): linked in the record, not changed. */
  adopted: ProfileRecord[]
  /** The new rows as an import adds them (environments, profiles, their warnings). */
  base: ImportPlan
  report: SyncReport
  /** Profiles replaced by their row's new values: a new record (a new id, so the old secrets stay until the config is written). */
  updated: Array<{record: ProfileRecord; replaces: ProfileRecord; secrets: null | ProfileSecrets}>
}

const CLASH = 'a profile with that name is already here (kept as it is)'

/**
 * Maps what changed in a profiles.db since `previous` read it onto a config document. Pure.
 * A row not read before is new: it comes in as an import brings it (a name already here keeps
 * ours, or is linked to it when it holds the same values). A row changed there updates its
 * profile only when that profile is still the one it became, unchanged here (same id, same
 * fingerprint); otherwise ours is kept; one removed here stays removed. Rows removed there are
 * left here. A switch of the current environment or profile there is followed only while
 * ours is still what the last read left.
 */
export function planSync(doc: StateDocument, source: PythonProfilesDb, previous: PythonImportRecord | undefined): SyncPlan {
  const prev = previous?.source === source.file ? previous : undefined
  const seen = new Map((prev?.profiles ?? []).map((p) => [key(p.apiUrl, p.name), p]))
  const here = new Map(doc.profiles.map((p) => [key(p.apiUrl, p.name), p]))
  const fresh: PythonProfileRow[] = []
  const kept: ImportedProfileName[] = []
  const updated: SyncPlan['updated'] = []
  const warnings: string[] = []
  const skipReasons: string[] = []
  for (const row of source.profiles) {
    const listed = rowName(row)
    const entry = seen.get(key(listed.apiUrl, listed.name))
    if (entry?.there === thereFingerprint(row)) continue
    // New there, or changed but never a profile here (skipped, or a name ours had): as an import takes it.
    if (!entry?.id) {
      fresh.push(row)
      continue
    }

    const profile = here.get(key(entry.apiUrl, entry.name))
    // Removed here: stays removed.
    if (!profile) continue
    if (profile.id !== entry.id || hereFingerprint(profile) !== entry.here) {
      kept.push(listed)
      continue
    }

    // The same key: the row's URL and name were valid when it became this profile.
    const mapped = mapProfile(row, profile.apiUrl, profile.name)
    if (typeof mapped === 'string') {
      warnings.push(`Skipped the change to profile ${show(profile.name)} of ${profile.apiUrl} in profiles.db: ${mapped}`)
      skipReasons.push(mapped.replace(/ "(?:[^"\\]|\\.)*"?| NULL| <\d+ bytes>/g, ''))
      continue
    }

    updated.push({record: mapped.record, replaces: profile, secrets: mapped.secrets})
  }

  const base = planImport(doc, {...source, profiles: fresh})
  // A new row whose name is taken here is a conflict ours wins: counted as kept, not warned about.
  for (let i = base.skipReasons.length - 1; i >= 0; i--)
    if (base.skipReasons[i] === CLASH) {
      base.skipReasons.splice(i, 1)
      base.warnings.splice(i, 1)
    }

  // A new row whose profile here holds the same values (imported before it was recorded, or made
  // alike on both sides) is linked to it, so its later changes come in; any other is ours, kept.
  const adopted: ProfileRecord[] = []
  for (const row of fresh) {
    const listed = rowName(row)
    const profile = here.get(key(listed.apiUrl, listed.name))
    if (!profile) continue
    const mapped = mapProfile(row, profile.apiUrl, profile.name)
    if (typeof mapped !== 'string' && sameValues(mapped.record, profile)) adopted.push(profile)
    else kept.push(listed)
  }

  base.warnings.push(...warnings)
  base.skipReasons.push(...skipReasons)

  const current: SyncReport['current'] = {environment: null, profile: null}
  if (prev) {
    // Follow a switch made there only while ours is what the last read left.
    base.report.current = {environment: null, profile: null}
    const there = currentThere(source)
    const ours = currentHere(doc)
    const switched = there.environment !== prev.current.thereEnvironment || there.profile !== prev.current.thereProfile
    const untouched = ours.environment === prev.current.hereEnvironment && ours.profile === prev.current.hereProfile
    const environments = new Set([...doc.environments, ...base.environments].map((e) => e.apiUrl))
    if (switched && untouched && there.environment && environments.has(there.environment)) {
      current.environment = there.environment
      const profiles = [...doc.profiles, ...base.profiles.map((p) => p.record)]
      if (there.profile && profiles.some((p) => p.apiUrl === there.environment && p.name === there.profile)) current.profile = there.profile
    }
  } else {
    current.environment = base.report.current.environment
    current.profile = base.report.current.profile?.name ?? null
  }

  return {
    adopted,
    base,
    report: {
      current,
      environments: base.report.environments.added,
      kept,
      profiles: {added: base.report.profiles.added, updated: updated.map((u) => ({apiUrl: u.record.apiUrl, name: u.record.name}))},
      source: source.file,
    },
    updated,
  }
}

/** Applies a sync plan to the document being written (under the config lock), and records what was read. */
export function applySync(doc: StateDocument, plan: SyncPlan, source: PythonProfilesDb): void {
  const previous = doc.pythonImport
  applyPlan(doc, plan.base)
  for (const {record, replaces} of plan.updated) {
    const at = doc.profiles.findIndex((p) => p.id === replaces.id)
    if (at >= 0) doc.profiles[at] = record
  }

  const {environment, profile} = plan.report.current
  if (environment) {
    doc.currentEnvironment = environment
    const env = doc.environments.find((e) => e.apiUrl === environment)
    if (env && profile) env.currentProfile = profile
  }

  doc.pythonImport = recordOf(doc, source, previous, [...plan.base.profiles, ...plan.updated, ...plan.adopted.map((record) => ({record}))])
}

/** The one line after a sync, or undefined when nothing came in and nothing of ours was kept over a change. */
export function syncSummary(report: SyncReport): string | undefined {
  const {added, updated} = report.profiles
  const names = (list: ImportedProfileName[]) => {
    const shown = list.slice(0, 3).map((p) => p.name)
    return ` (${shown.join(', ')}${list.length > shown.length ? ', …' : ''})`
  }

  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
  const parts: string[] = []
  if (added.length > 0) parts.push(`${count(added.length, 'new profile')}${names(added)}`)
  if (updated.length > 0) parts.push(`${count(updated.length, 'changed profile')}${names(updated)}`)
  if (report.environments.length > 0) parts.push(count(report.environments.length, 'new environment'))
  if (report.current.profile) parts.push(`current profile ${report.current.profile}`)
  else if (report.current.environment) parts.push(`current environment ${report.current.environment}`)
  const kept =
    report.kept.length > 0 ? `${count(report.kept.length, 'profile')}${names(report.kept)} kept as ${report.kept.length === 1 ? 'it is' : 'they are'} here` : ''
  if (parts.length === 0 && !kept) return undefined
  const came =
    parts.length > 0 ? `Brought in from the Python llamactl's ${report.source}: ${parts.join(', ')}` : `The Python llamactl's ${report.source} changed`
  return `${came}${kept ? `; ${kept}` : ''}. That file was left as it was.`
}

/**
 * What a read of profiles.db leaves in the config: its size, mtime and hash, its current
 * environment and profile next to ours, and per row its fingerprint there and, for a row that is
 * (still) a profile here, that profile's id and fingerprint as the import or sync made it.
 */
function recordOf(
  doc: StateDocument,
  source: PythonProfilesDb,
  previous: PythonImportRecord | undefined,
  became: ReadonlyArray<{record: ProfileRecord}>,
): PythonImportRecord {
  const made = new Map(became.map(({record}) => [key(record.apiUrl, record.name), record]))
  const before = new Map(previous?.source === source.file ? previous.profiles.map((p) => [key(p.apiUrl, p.name), p]) : [])
  const ids = new Set(doc.profiles.map((p) => p.id))
  const there = currentThere(source)
  const here = currentHere(doc)
  return {
    current: {hereEnvironment: here.environment, hereProfile: here.profile, thereEnvironment: there.environment, thereProfile: there.profile},
    mtimeMs: source.fingerprint.mtimeMs,
    profiles: source.profiles.map((row) => {
      const listed = rowName(row)
      const entry = {apiUrl: listed.apiUrl, name: listed.name, there: thereFingerprint(row)}
      const profile = made.get(key(listed.apiUrl, listed.name))
      if (profile) return {...entry, here: hereFingerprint(profile), id: profile.id}
      const old = before.get(key(listed.apiUrl, listed.name))
      return old?.id && ids.has(old.id) ? {...entry, here: old.here, id: old.id} : entry
    }),
    sha256: source.fingerprint.sha256,
    size: source.fingerprint.size,
    source: source.file,
  }
}

/** The record of a profiles.db that was not used (not ours, or not readable): said once, read again once it changes. */
function unreadRecord(doc: StateDocument, file: string, stat: {mtimeMs: number; size: number}): PythonImportRecord {
  const previous = doc.pythonImport?.source === file ? doc.pythonImport : undefined
  const here = currentHere(doc)
  return {
    current: previous?.current ?? {hereEnvironment: here.environment, hereProfile: here.profile, thereEnvironment: null, thereProfile: null},
    mtimeMs: stat.mtimeMs,
    profiles: previous?.profiles ?? [],
    sha256: null,
    size: stat.size,
    source: file,
  }
}

/** Whether a profile made from a row holds what a profile here holds (its id aside). */
function sameValues(a: ProfileRecord, b: ProfileRecord): boolean {
  const fields = ['authType', 'email', 'keyHint', 'keyId', 'projectId', 'sub'] as const
  return fields.every((field) => (a[field] ?? null) === (b[field] ?? null))
}

/** A row's URL and name as a record keeps them (bounded, whatever the row holds). */
function rowName(row: PythonProfileRow): ImportedProfileName {
  return {apiUrl: (apiUrlOf(row.api_url) ?? display(row.api_url)).slice(0, 2 * MAX_TEXT), name: display(row.name).slice(0, MAX_TEXT)}
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32)

/** A row's fingerprint: every column, blobs as hex. */
function thereFingerprint(row: PythonProfileRow): string {
  return digest(JSON.stringify(Object.values(row).map((v) => (v instanceof Uint8Array ? {blob: Buffer.from(v).toString('hex')} : v))))
}

/** A profile record's fingerprint: its fields in a fixed order, id included. */
function hereFingerprint(record: ProfileRecord): string {
  return digest(JSON.stringify(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
}

function currentThere(source: PythonProfilesDb): {environment: null | string; profile: null | string} {
  const setting = source.settings.get('current_environment_api_url')
  const environment = setting === undefined || setting === null ? DEFAULT_API_URL : (apiUrlOf(setting) ?? null)
  return {environment, profile: text(source.settings.get('current_profile') ?? null) ?? null}
}

function currentHere(doc: StateDocument): {environment: string; profile: null | string} {
  return {environment: doc.currentEnvironment, profile: doc.environments.find((e) => e.apiUrl === doc.currentEnvironment)?.currentProfile ?? null}
}
