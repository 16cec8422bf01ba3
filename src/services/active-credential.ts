import {CliError} from '../errors.js'
import {redactKey} from '../ui/redact.js'
import {secretAccount} from '../stores/secret-store.js'
import type {Auth, TokenSource} from '../net/control-plane-client.js'
import type {ProfileSecrets, SecretStore} from '../stores/secret-store.js'
import type {AuthType, ProfileRecord} from '../stores/schema.js'
import type {LoginSession} from './login-session.js'

/** Where the credential in effect came from: `--profile`, the variables, or the current profile. */
export type CredentialSource = 'env' | 'flag' | 'profile'

/** What a llamactl command needs to call the control plane (the library API, docs/library.md). */
export interface Credentials {
  /** The bearer token to send; null for a key-less profile (environments without auth). */
  apiKey: null | string
  apiUrl: string
  /** The profile's name; null when the credential came from the variables. */
  profile: null | string
  projectId: null | string
  source: CredentialSource
}

/** The credential in effect before its secret is read: enough to report on it or build a client. */
export interface CredentialLocation {
  apiUrl: string
  authType: AuthType
  /** The key, when the variables hold it (source `env`). */
  envKey?: string
  /** The current profile the variables override (source `env`), or null. */
  overrides: null | string
  /** The profile (sources `flag` and `profile`). */
  profile: null | ProfileRecord
  projectId: null | string
  source: CredentialSource
}

export interface ActiveCredentialDeps {
  secrets: SecretStore
  /** Login profiles' refresh after a 401; built (and its module loaded) only when one happens. */
  session?: () => Promise<LoginSession>
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom')
/** The credential object each Credentials value came from, so a client made from them reads nothing again. */
const origins = new WeakMap<object, ActiveCredential>()

/** The credential object `credentials` were made from by this module, if any. */
export function credentialOf(credentials: Credentials): ActiveCredential | undefined {
  return origins.get(credentials)
}

/**
 * Makes `target` show `view()` instead of itself to JSON.stringify and util.inspect (a host
 * logging it), while its properties (the key among them) stay readable as they are.
 */
export function showAs<T extends object>(target: T, view: () => unknown): T {
  Object.defineProperty(target, 'toJSON', {configurable: true, value: view})
  Object.defineProperty(target, INSPECT, {configurable: true, value: view})
  return target
}

/**
 * Makes `target.apiKey` a non-enumerable property: readable and writable by name, but left out
 * of every ordinary copy (`{...target}`, Object.assign, Object.entries, for…in, structuredClone,
 * v8.serialize), which take only enumerable properties, and shown redacted to JSON.stringify and
 * util.inspect.
 */
export function hideKey<T extends {apiKey: null | string}>(target: T): T {
  const {apiKey} = target
  Object.defineProperty(target, 'apiKey', {configurable: true, enumerable: false, value: apiKey, writable: true})
  return showAs(target, () => {
    const {apiKey: key, ...rest} = target
    return {apiKey: key === null ? null : redactKey(key), ...rest}
  })
}

/** The error for a profile whose secrets are gone from the secret store. */
export async function secretsMissing(profile: ProfileRecord, secrets: SecretStore): Promise<CliError> {
  return new CliError(`The secrets of profile ${profile.name} are missing from the ${await secrets.backend()} store`, {
    code: 'secrets_missing',
    suggestion: `Log out (\`llamactl auth logout ${profile.name}\`) and sign in again`,
  })
}

/**
 * The one credential of a command: what was read for it (the profile record, its secrets read
 * once from the secret store, or the variables' key) and the token sources made from it. A
 * refresh or a key repair (LoginSession) updates it in place, so whoever holds it (status, the
 * client, inject, exec, the library) sees the key and session in use now without reading again.
 */
export class ActiveCredential {
  // Private fields (#), not TypeScript's `private`: a copy of the object ({...credential},
  // structuredClone, v8.serialize) takes own enumerable properties only, so it carries no secret.
  readonly #deps: null | ActiveCredentialDeps
  readonly #location: CredentialLocation
  /** Every secret this credential has held, for redacting server strings (a replaced key included). */
  readonly #seen = new Set<string>()
  #stored: null | ProfileSecrets

  private constructor(location: CredentialLocation, stored: null | ProfileSecrets, deps: null | ActiveCredentialDeps) {
    this.#location = location
    this.#stored = stored
    this.#deps = deps
    this.remember()
    Object.defineProperty(this, INSPECT, {value: () => this.view()})
  }

  /** Where the credential comes from (`--profile`, the variables, the current profile), without the variables' key. */
  get location(): CredentialLocation {
    const {envKey, ...where} = this.#location
    return envKey === undefined ? where : Object.defineProperty(where, 'envKey', {value: envKey})
  }

  /** The credential of a location: a keyed profile's secrets are read here, once; the variables' key needs no read. */
  static async read(location: CredentialLocation, deps: () => Promise<ActiveCredentialDeps>): Promise<ActiveCredential> {
    if (location.envKey !== undefined || !location.profile || location.authType === 'none') return new ActiveCredential(location, null, null)
    const resolved = await deps()
    return new ActiveCredential(location, await resolved.secrets.get(secretAccount(location.profile)), resolved)
  }

  /** The key in use now (after any repair); null for a key-less profile or when the secret store has none. */
  get apiKey(): null | string {
    return this.#location.envKey ?? this.#stored?.apiKey ?? null
  }

  /** The control plane it authenticates with. */
  get apiUrl(): string {
    return this.location.apiUrl
  }

  /** Whether this credential sends a key at all (false for key-less profiles). */
  get keyed(): boolean {
    return this.location.authType !== 'none'
  }

  /** Every secret value this credential has held, for `redactKeys(text, known)`. */
  get known(): string[] {
    return [...this.#seen]
  }

  /** The profile record (null for the variables). */
  get profile(): null | ProfileRecord {
    return this.location.profile
  }

  /** The profile's secrets as they are now (null for the variables' key and key-less profiles). */
  get secrets(): null | Readonly<ProfileSecrets> {
    return this.#stored
  }

  /**
   * What a client sends: the key as bearer token. For login profiles the control-plane client
   * calls `refresh` after a 401, which runs LoginSession.refresh (once, across processes): it
   * replaces the rejected key with a new one (unless `repairKey` is false, as when revoking the
   * key on logout), and this object takes what it stored. Where no key could be minted, the
   * retry uses the fresh OIDC access token. Undefined for a key-less profile.
   */
  bearer(options: {repairKey?: boolean} = {}): Auth | undefined {
    if (!this.keyed) return undefined
    const token = async () => this.requireKey()
    const {profile} = this.location
    if (profile?.authType !== 'login' || !this.#deps?.session) return {token}
    const repairKey = options.repairKey ?? true
    return {
      refresh: async () => {
        const seen = this.#stored ?? {}
        const next = await this.refresh({repairKey})
        // A key replaced here or by another process is the one to use; otherwise the session's token.
        return next.apiKey && next.apiKey !== seen.apiKey ? next.apiKey : (next.accessToken ?? null)
      },
      token,
    }
  }

  /**
   * The key, or the one-line error saying the profile's secrets are missing (a keyed profile whose
   * secret store entry is gone).
   */
  async requireKey(): Promise<string> {
    const key = this.apiKey
    if (key !== null) return key
    throw await this.missing()
  }

  /** The library's Credentials: the key in use now; a keyed profile without its secrets is an error. */
  async credentials(): Promise<Credentials> {
    if (this.keyed) await this.requireKey()
    return this.snapshot()
  }

  /**
   * The Credentials of this object as they are now (apiKey null when none is held). They show
   * their key redacted to JSON.stringify and util.inspect, and a client made from them is made
   * from this object.
   */
  snapshot(): Credentials {
    const {apiUrl, profile, projectId, source} = this.location
    const credentials: Credentials = {apiKey: this.apiKey, apiUrl, profile: profile?.name ?? null, projectId, source}
    origins.set(credentials, this)
    return hideKey(credentials)
  }

  /** The error for a keyed profile whose secrets are gone. */
  async missing(): Promise<CliError> {
    const {profile} = this.location
    if (!profile || !this.#deps) return new CliError('No API key is set', {code: 'no_credentials'})
    return secretsMissing(profile, this.#deps.secrets)
  }

  /**
   * A login profile's OIDC session: its access token, refreshed after a 401 without replacing the
   * API key; null for other credentials. `auth status` checks the session with it.
   */
  async session(): Promise<null | TokenSource> {
    if (this.location.profile?.authType !== 'login') return null
    const accessToken = this.#stored?.accessToken
    if (!accessToken) throw await this.missing()
    return {
      refresh: this.#deps?.session ? async () => (await this.refresh({repairKey: false})).accessToken ?? null : undefined,
      token: async () => this.#stored?.accessToken ?? accessToken,
    }
  }

  /** What LoginSession stored now becomes this credential's secrets. */
  private async refresh(options: {repairKey: boolean}): Promise<ProfileSecrets> {
    const session = await this.#deps!.session!()
    this.#stored = await session.refresh(this.location.profile!, this.#stored ?? {}, options)
    this.remember()
    return this.#stored
  }

  private remember(): void {
    const {envKey} = this.#location
    for (const value of [envKey, this.#stored?.apiKey, this.#stored?.accessToken, this.#stored?.refreshToken, this.#stored?.idToken])
      if (value) this.#seen.add(value)
  }

  /** What JSON.stringify and util.inspect show: where it comes from, the key redacted, no secret. */
  toJSON(): Record<string, unknown> {
    return this.view()
  }

  private view() {
    const {apiUrl, authType, profile, projectId, source} = this.location
    const apiKey = this.apiKey
    return {apiKey: apiKey === null ? null : redactKey(apiKey), apiUrl, authType, profile: profile?.name ?? null, projectId, source}
  }
}
