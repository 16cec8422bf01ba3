import {CliError} from '../errors.js'

export const DEFAULT_API_URL = 'https://api.cloud.llamaindex.ai'
export const SCHEMA_VERSION = 1

export type AuthType = 'api-key' | 'login' | 'none'

/** A control plane and what probing it revealed. */
export interface EnvironmentRecord {
  apiUrl: string
  /** Name of the profile that is current in this environment, remembered across switches. */
  currentProfile: null | string
  minLlamactlVersion: null | string
  requiresAuth: boolean
}

/** A login profile. Never holds a secret: those live in the secret store under `profile:<id>`. */
export interface ProfileRecord {
  apiUrl: string
  authType: AuthType
  /** Login profiles: the email the provider reported. */
  email?: null | string
  /** Stable internal id; names the profile's secret in the secret store. */
  id: string
  /** API-key profiles: the key's redacted form, to find a profile already holding the same key. */
  keyHint?: string
  /** Login profiles: id of the API key minted for the CLI, to revoke on logout. */
  keyId?: string
  name: string
  projectId: null | string
  /** Login profiles: the OpenID subject, so logging in again updates the same profile. */
  sub?: string
}

export interface StateDocument {
  currentEnvironment: string
  environments: EnvironmentRecord[]
  profiles: ProfileRecord[]
  schemaVersion: number
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

/**
 * Migrations from schema N to N+1, keyed by N. Schema 0 is a document without `schemaVersion`
 * (hand-made or from a pre-release); it gains the fields it lacks.
 */
const MIGRATIONS: Record<number, Migration> = {
  0: (doc) => ({...emptyState(), ...doc, schemaVersion: 1}),
}

/** Brings a parsed config document up to the current schema, or explains why it can't. */
export function migrate(raw: unknown, file: string): StateDocument {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CliError(`${file} does not hold a llamactl config`, {
      code: 'config_corrupt',
      suggestion: `Move it aside (e.g. mv ${file} ${file}.bak) to start with an empty one`,
    })
  }

  let doc = raw as Record<string, unknown>
  let version = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : 0
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

  const state = doc as unknown as StateDocument
  if (!Array.isArray(state.environments) || !Array.isArray(state.profiles) || typeof state.currentEnvironment !== 'string') {
    throw new CliError(`${file} does not hold a valid llamactl config`, {
      code: 'config_corrupt',
      suggestion: `Fix it by hand, or move it aside (e.g. mv ${file} ${file}.bak) to start with an empty one`,
    })
  }

  if (!state.environments.some((env) => env.apiUrl === DEFAULT_API_URL)) {
    state.environments.unshift(defaultEnvironment())
  }

  if (!state.environments.some((env) => env.apiUrl === state.currentEnvironment)) {
    state.currentEnvironment = DEFAULT_API_URL
  }

  return state
}
