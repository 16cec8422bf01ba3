import {CliError} from '../errors.js'
import {DEFAULT_API_URL, type EnvironmentRecord, type ProfileRecord} from '../model.js'

export const SCHEMA_VERSION = 1

// The records live in the model (the bottom layer); named here too for the stores and services that read them with the config's other types.
export {DEFAULT_API_URL} from '../model.js'
export type {AuthType, EnvironmentRecord, ProfileRecord} from '../model.js'

export interface StateDocument {
  currentEnvironment: string
  environments: EnvironmentRecord[]
  profiles: ProfileRecord[]
  /** What the last import or sync read of the Python llamactl's profiles.db (absent until one did). */
  pythonImport?: PythonImportRecord
  schemaVersion: number
}

/**
 * The Python llamactl's profiles.db as this llamactl last read it (docs/formats.md): enough to
 * tell, on a later run, whether it changed (size, mtime, then the hash of its bytes) and, per
 * profile, whether a change was made there (its row's fingerprint) or here (the fingerprint of
 * the profile record it became). Fingerprints are SHA-256 digests; no value is kept.
 */
export interface PythonImportRecord {
  /** The current environment and profile there as read, and ours as that read left them. */
  current: {hereEnvironment: string; hereProfile: null | string; thereEnvironment: null | string; thereProfile: null | string}
  mtimeMs: number
  /** One entry per row of `profiles` as read; `id` and `here` when the row became (or updated) a profile here. */
  profiles: Array<{apiUrl: string; here?: string; id?: string; name: string; there: string}>
  /** SHA-256 of the bytes read; null when they could not be used (not read again until the file changes). */
  sha256: null | string
  size: number
  source: string
}

export function defaultEnvironment(): EnvironmentRecord {
  return {apiUrl: DEFAULT_API_URL, currentProfile: null, minLlamactlVersion: null, requiresAuth: true}
}

export function emptyState(): StateDocument {
  return {
    currentEnvironment: DEFAULT_API_URL,
    environments: [defaultEnvironment()],
    profiles: [],
    schemaVersion: SCHEMA_VERSION,
  }
}

type Migration = (doc: Record<string, unknown>) => Record<string, unknown>

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Migrations from schema N to N+1, keyed by N. Schema 0 is a document without `schemaVersion`
 * (hand-made or from a pre-release); it gains the fields it lacks, its environments too.
 */
const MIGRATIONS: Record<number, Migration> = {
  0(doc) {
    const migrated = {...emptyState(), ...doc, schemaVersion: 1}
    if (Array.isArray(migrated.environments))
      migrated.environments = (migrated.environments as unknown[]).map((env) =>
        isObject(env) ? {currentProfile: null, minLlamactlVersion: null, requiresAuth: true, ...env} : env,
      ) as EnvironmentRecord[]
    return migrated
  },
}

type Check = (value: unknown) => boolean
const string: Check = (value) => typeof value === 'string'
const nonEmptyString: Check = (value) => typeof value === 'string' && value !== ''
const stringOrNull: Check = (value) => value === null || typeof value === 'string'
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value)

/** The fields of each record and what they must hold; fields not listed are kept as they are. */
const ENVIRONMENT_FIELDS: Record<string, [Check, string]> = {
  apiUrl: [nonEmptyString, 'a non-empty string'],
  capabilities: [optional((value) => Array.isArray(value) && value.every((c) => typeof c === 'string')), 'a list of strings'],
  currentProfile: [stringOrNull, 'a string or null'],
  minLlamactlVersion: [stringOrNull, 'a string or null'],
  requiresAuth: [(value) => typeof value === 'boolean', 'true or false'],
}
const PROFILE_FIELDS: Record<string, [Check, string]> = {
  apiUrl: [nonEmptyString, 'a non-empty string'],
  authType: [(value) => value === 'api-key' || value === 'login' || value === 'none', '"api-key", "login" or "none"'],
  email: [optional(stringOrNull), 'a string or null'],
  id: [nonEmptyString, 'a non-empty string'],
  keyHint: [optional(string), 'a string'],
  keyId: [optional(string), 'a string'],
  name: [string, 'a string'],
  projectId: [stringOrNull, 'a string or null'],
  sub: [optional(string), 'a string'],
}

/**
 * What is wrong with a (migrated) document, or null: every field of the types above, and no two
 * environments with one URL, no two profiles with one id or one name in an environment. Values
 * are never quoted: a hand-edited config may hold something pasted by mistake.
 */
function problemOf(doc: Record<string, unknown>): null | string {
  if (typeof doc.currentEnvironment !== 'string') return 'currentEnvironment must be a string'
  const record = doc.pythonImport
  if (
    record !== undefined &&
    !(
      isObject(record) &&
      typeof record.source === 'string' &&
      typeof record.size === 'number' &&
      typeof record.mtimeMs === 'number' &&
      stringOrNull(record.sha256) &&
      isObject(record.current) &&
      Array.isArray(record.profiles) &&
      record.profiles.every((p) => isObject(p) && string(p.apiUrl) && string(p.name) && string(p.there))
    )
  )
    return 'pythonImport must be the record of a profiles.db read (or be removed)'
  for (const [list, fields] of [
    ['environments', ENVIRONMENT_FIELDS],
    ['profiles', PROFILE_FIELDS],
  ] as const) {
    const records = doc[list]
    if (!Array.isArray(records)) return `${list} must be a list`
    for (const [i, record] of records.entries()) {
      if (!isObject(record)) return `${list}[${i}] must be an object`
      for (const [field, [check, expected]] of Object.entries(fields)) if (!check(record[field])) return `${list}[${i}].${field} must be ${expected}`
    }
  }

  const environments = doc.environments as EnvironmentRecord[]
  const profiles = doc.profiles as ProfileRecord[]
  // One pass with a Set: a config may hold thousands of profiles, and every command reads it.
  const repeated = <T>(items: T[], key: (item: T) => string) => {
    const seen = new Set<string>()
    return items.findIndex((item) => seen.size === seen.add(key(item)).size)
  }
  let at = repeated(environments, (env) => env.apiUrl)
  if (at >= 0) return `environments[${at}].apiUrl repeats an earlier environment's`
  at = repeated(profiles, (profile) => profile.id)
  if (at >= 0) return `profiles[${at}].id repeats an earlier profile's`
  at = repeated(profiles, (profile) => JSON.stringify([profile.apiUrl, profile.name]))
  if (at >= 0) return `profiles[${at}].name repeats an earlier profile's in the same environment`
  return null
}

/**
 * Brings a parsed config document up to the current schema and checks every field, or explains
 * why it can't: a wrong document is refused (`config_corrupt`, naming the file and the field),
 * never repaired and written back.
 */
export function migrate(raw: unknown, file: string): StateDocument {
  const corrupt = (why: string) =>
    new CliError(`${file} is not a valid llamactl config (${why})`, {
      code: 'config_corrupt',
      suggestion: `Fix it by hand, or move it aside (e.g. mv ${file} ${file}.bak) to start with an empty one`,
    })
  if (!isObject(raw)) throw corrupt('it must hold a JSON object')

  let doc = raw
  if (doc.schemaVersion !== undefined && !(Number.isInteger(doc.schemaVersion) && (doc.schemaVersion as number) >= 0))
    throw corrupt('schemaVersion must be a whole number')
  let version = (doc.schemaVersion as number | undefined) ?? 0
  if (version > SCHEMA_VERSION) {
    throw new CliError(`${file} was written by a newer llamactl (schema ${version}; this one reads ${SCHEMA_VERSION})`, {
      code: 'config_too_new',
      suggestion: 'Upgrade llamactl',
    })
  }

  while (version < SCHEMA_VERSION) {
    doc = MIGRATIONS[version](doc)
    version += 1
  }

  const problem = problemOf(doc)
  if (problem) throw corrupt(problem)
  const state = doc as unknown as StateDocument
  if (!state.environments.some((env) => env.apiUrl === DEFAULT_API_URL)) {
    state.environments.unshift(defaultEnvironment())
  }

  if (!state.environments.some((env) => env.apiUrl === state.currentEnvironment)) {
    state.currentEnvironment = DEFAULT_API_URL
  }

  return state
}

export interface SecretsFileDocument {
  schemaVersion: 1
  /** One JSON text per keychain account (`profile:<id>`). */
  secrets: Record<string, string>
}

/**
 * Checks a parsed secrets.json (the keychain fallback). Anything but schema 1 with string values
 * is refused (`secrets_corrupt`, naming the file): rewriting a file this version doesn't
 * understand would drop the secrets in it.
 */
export function checkSecretsFile(raw: unknown, file: string): SecretsFileDocument {
  const ok = isObject(raw) && raw.schemaVersion === 1 && isObject(raw.secrets) && Object.values(raw.secrets).every((value) => typeof value === 'string')
  if (!ok)
    throw new CliError(`${file} is not a secrets file this llamactl can read`, {
      code: 'secrets_corrupt',
      suggestion: 'Upgrade llamactl if a newer one wrote it; otherwise move it aside (its profiles then need signing in again)',
    })
  return raw as unknown as SecretsFileDocument
}

/** Whether profiles.db differs (size or mtime) from what `record` read of it, or is another file. */
export function changedSince(record: PythonImportRecord, file: string, stat: {mtimeMs: number; size: number}): boolean {
  return record.source !== file || record.size !== stat.size || record.mtimeMs !== stat.mtimeMs
}
