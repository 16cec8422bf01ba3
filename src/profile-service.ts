import {CliError} from './errors.js'
import {secretAccount, ProfileRepository} from './profile-repository.js'
import {redactKey} from './redact.js'
import type {ControlPlaneClient, Project, TokenSource} from './control-plane-client.js'
import type {ProfileSecrets, SecretStore} from './secret-store.js'
import type {EnvironmentRecord, ProfileRecord} from './state/schema.js'

export interface ProfileServiceDeps {
  client: (apiUrl: string) => ControlPlaneClient
  profiles: ProfileRepository
  /**
   * Login profiles: refreshes the OIDC tokens after a 401 (see token-refresh.ts); `seen` is
   * what this process read. Returns the secrets now stored. Loaded lazily by the caller.
   */
  refreshLogin?: (profile: ProfileRecord, seen: ProfileSecrets) => Promise<ProfileSecrets>
  secrets: SecretStore
  /** Prints a warning line on stderr. */
  warn?: (message: string) => void
}

/** Creating and deleting profiles together with their secrets: never one without the other. */
export class ProfileService {
  constructor(private readonly deps: ProfileServiceDeps) {}

  /**
   * Saves a profile and its secrets and makes it current, in place of the profile `sameAs`
   * finds (same key, same login subject) if any. Never loses a credential: the secrets go first,
   * under a fresh account; then the config switches to the new record in one atomic update; only
   * then are the replaced profile's secrets deleted. A failure before the switch removes the new
   * secrets again and leaves everything as it was.
   */
  async create(
    profile: Omit<ProfileRecord, 'id'>,
    secrets: null | ProfileSecrets,
    sameAs?: (existing: ProfileRecord) => boolean | Promise<boolean>,
  ): Promise<{created: boolean; previous: null | ProfileRecord; profile: ProfileRecord}> {
    const previous = sameAs ? await this.findFirst(profile.apiUrl, sameAs) : null
    const saved: ProfileRecord = {...profile, id: globalThis.crypto.randomUUID()}
    if (secrets) await this.deps.secrets.set(secretAccount(saved), secrets)
    let created: boolean
    try {
      ;({created} = await this.deps.profiles.save(saved, previous))
    } catch (error) {
      if (secrets) await this.deps.secrets.delete(secretAccount(saved)).catch(() => {})
      throw error
    }

    if (previous && previous.authType !== 'none') await this.discardSecrets(previous)
    return {created, previous, profile: saved}
  }

  /**
   * How to authenticate as a profile: its API key. Login profiles can also refresh: after a 401
   * the OIDC access token is refreshed (once, across processes) and used for the retry.
   */
  async authFor(profile: ProfileRecord): Promise<TokenSource> {
    let secrets = await this.secretsOf(profile)
    if (!secrets?.apiKey)
      throw new CliError(`The secrets of profile ${profile.name} are missing from the ${await this.deps.secrets.backend()} store`, {
        code: 'secrets_missing',
        suggestion: `Log out (\`llamactl auth logout ${profile.name}\`) and sign in again`,
      })
    const apiKey = secrets.apiKey
    const {refreshLogin} = this.deps
    if (profile.authType !== 'login' || !refreshLogin) return {token: async () => apiKey}
    return {
      async refresh() {
        secrets = await refreshLogin(profile, secrets!)
        return secrets.accessToken ?? null
      },
      token: async () => apiKey,
    }
  }

  /** Creates (or updates) a profile for an API key that the server has already accepted. */
  async saveApiKeyProfile(env: EnvironmentRecord, apiKey: string, projectId: string, name?: string) {
    const keyHint = redactKey(apiKey)
    return this.create(
      {apiUrl: env.apiUrl, authType: 'api-key', keyHint, name: name ?? keyHint, projectId},
      {apiKey},
      async (existing) => existing.authType === 'api-key' && existing.keyHint === keyHint && (await this.secretsOf(existing))?.apiKey === apiKey,
    )
  }

  /**
   * Deletes a profile and its secrets. A login profile's minted API key is revoked on the server
   * first, best effort: when that fails the profile is still deleted, with a warning naming the key.
   * Secrets go before the config entry, so a keychain failure leaves the profile in place to retry.
   */
  async remove(apiUrl: string, name: string): Promise<ProfileRecord> {
    const profile = await this.deps.profiles.get(apiUrl, name)
    await this.discard(profile)
    await this.deps.profiles.remove(apiUrl, name)
    return profile
  }

  /** Revokes a login profile's minted key (best effort) and deletes the profile's secrets; the config entry stays. */
  async discard(profile: ProfileRecord): Promise<void> {
    if (profile.authType === 'none') return
    if (profile.authType === 'login' && profile.keyId) await this.revokeMintedKey(profile)
    await this.discardSecrets(profile)
  }

  /** A profile's stored secrets, or null. */
  async secretsOf(profile: ProfileRecord): Promise<null | ProfileSecrets> {
    return this.deps.secrets.get(secretAccount(profile))
  }

  /** Lists the projects an API key can use; a rejected key is an error that says so. */
  async validateKey(apiUrl: string, apiKey: string): Promise<Project[]> {
    try {
      return await this.deps.client(apiUrl).listProjects(apiKey)
    } catch (error) {
      if (error instanceof CliError && (error.code === 'unauthorized' || error.code === 'forbidden'))
        throw new CliError(`${apiUrl} did not accept this API key (${error.code === 'unauthorized' ? 401 : 403})`, {
          code: 'invalid_key',
          suggestion: 'Check the key (create one in the web console) and try again; nothing was stored',
        })
      throw error
    }
  }

  /** Deletes a profile's secrets; for login profiles under the refresh lock, so an in-flight refresh can't write them back. */
  private async discardSecrets(profile: ProfileRecord): Promise<void> {
    const {secrets} = this.deps
    const drop = async () => {
      await secrets.delete(secretAccount(profile))
    }

    await (profile.authType === 'login' ? secrets.exclusive(drop) : drop())
  }

  /** The first profile of an environment that `match` accepts, or null. */
  private async findFirst(apiUrl: string, match: (existing: ProfileRecord) => boolean | Promise<boolean>): Promise<null | ProfileRecord> {
    for (const candidate of await this.deps.profiles.list(apiUrl)) {
      // eslint-disable-next-line no-await-in-loop -- secrets are read only for the few that share a key hint
      if (await match(candidate)) return candidate
    }

    return null
  }

  private async revokeMintedKey(profile: ProfileRecord): Promise<void> {
    try {
      await this.deps.client(profile.apiUrl).deleteApiKey(await this.authFor(profile), profile.keyId!)
    } catch (error) {
      const why = error instanceof CliError ? error.message : (error as Error).message
      this.deps.warn?.(`Could not revoke the CLI API key ${profile.keyId} on ${profile.apiUrl} (${why}); revoke it in the web console`)
    }
  }
}
