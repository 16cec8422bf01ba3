/*
 * The bottom layer: the records every other layer passes around. It imports nothing, so anything
 * may import it (docs/architecture.md).
 */

/** The control plane a fresh config points at, as in the Python llamactl. */
export const DEFAULT_API_URL = 'https://api.cloud.llamaindex.ai'

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

/** A project as the control plane lists it. */
export interface Project {
  deploymentCount: number
  projectId: string
  projectName: null | string
}
