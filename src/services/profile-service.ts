import {CliError, UsageError} from '../errors.js'
import {escapeUnprintable, firstUnprintable, hasKeyShape, hideSecretRuns} from '../model.js'
import {pickCredentialProject} from '../ui/pickers.js'
import type {ProfileStore} from '../stores/profile-store.js'
import {redactKey} from '../ui/redact.js'
import type {LoginSession} from './login-session.js'
import type {ControlPlaneClient, Project} from '../net/control-plane-client.js'
import {OrganizationScope} from './organizations.js'
import {ActiveCredential} from './active-credential.js'
import type {Prompter} from '../ui/prompter.js'
import {secretAccount, UNLOCK_HINT, type ProfileSecrets, type SecretStore} from '../stores/secret-store.js'
import type {EnvironmentRecord, ProfileRecord} from '../stores/schema.js'

export interface AddApiKeyOptions {
  apiKey: string
  interactive: boolean
  /** Profile name (default: the name it already has, else the key's redacted form). */
  name?: string
  projectId?: string
  prompter: () => Promise<Prompter>
}

/**
 * Checks a profile name a person chose (`--name`): printable and non-empty, with no space at
 * either end, so every name shows as itself on one line (`auth list` can't be given a forged
 * row). A usage error otherwise.
 */
export function checkProfileName(name: string): void {
  const fix = 'Choose a --name of printable characters'
  if (!name.trim()) throw new UsageError('The profile name is empty', fix)
  if (name !== name.trim()) throw new UsageError('The profile name starts or ends with a space', fix)
  if (name.length > 200) throw new UsageError('The profile name is longer than 200 characters', fix)
  const bad = firstUnprintable(name)
  if (bad) {
    const code = bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
    throw new UsageError(`The profile name contains an unprintable character (U+${code})`, fix)
  }
}

/**
 * checkProfileName for a `--name` typed on the command line, which also must not have an API
 * key's shape: a key pasted there would be printed, stored in config.json in plain text and
 * offered by TAB. (Names made from a server's answer, as a login's email, are not checked so.)
 */
export function checkChosenName(name: string): void {
  checkProfileName(name)
  if (hasKeyShape(name))
    throw new UsageError(
      'The --name value has the shape of an API key (llx-…), not of a profile name',
      'Pass the key with --api-key (- reads it from stdin) and choose another --name',
    )
}

/**
 * A profile name made from what a server sent (a login's email or subject): unprintable
 * characters spelled out as `\u` escapes, so it passes checkProfileName and shows as itself.
 */
export function printableName(raw: string): string {
  const name = escapeUnprintable(raw).trim()
  return name || 'login'
}

export interface ProfileServiceDeps {
  client: (apiUrl: string) => ControlPlaneClient
  profiles: ProfileStore
  secrets: SecretStore
  /** Login profiles' refresh after a 401; built (and its module loaded) only when one happens. */
  session?: () => Promise<LoginSession>
  /** Prints a warning line on stderr. */
  warn?: (message: string) => void
}

/** What `auth token` says where the server doesn't check keys: nothing was validated, and an unlisted project is taken on trust. */
function unchecked(apiUrl: string, projectId: string, projects: Project[]): string {
  const line = `${apiUrl} does not require an API key, so it takes any key: this one was not checked`
  if (projects.some((p) => p.projectId === projectId)) return line
  const listed = projects.length > 0 ? `it lists ${projects.map((p) => p.projectId).join(', ')}` : 'it lists none'
  return `${line}, and project ${projectId} is not one it lists (${listed}; a server without auth lists only projects with a deployment)`
}

/** Creating and deleting profiles together with their secrets: never one without the other. */
export class ProfileService {
  constructor(private readonly deps: ProfileServiceDeps) {}

  /**
   * `auth token`: validates the key with the server, picks its project (the requested one, the
   * only one, or a prompt) and saves the API-key profile as current. Adding a key that already
   * has a profile here updates that profile and keeps its name. An environment without auth
   * takes any key and any project id (pickCredentialProject): a warning says so.
   */
  async addApiKey(env: EnvironmentRecord, options: AddApiKeyOptions): Promise<{created: boolean; profile: ProfileRecord}> {
    // Before the server is asked anything: a bad name is the user's to fix.
    if (options.name !== undefined) checkChosenName(options.name)
    const apiKey = options.apiKey.trim()
    if (!apiKey) throw new UsageError('The API key is empty', 'Create one in the web console and pass it with --api-key')
    // The key itself, or a part of it (whatever its shape), pasted as the name or the project.
    for (const [flag, value] of [
      ['--name', options.name],
      ['--project-id', options.projectId],
    ] as const)
      if (value !== undefined && hideSecretRuns(value, [apiKey]) !== value)
        throw new UsageError(`The ${flag} value holds (part of) the API key`, `Pass only the key with --api-key; choose another ${flag}`)
    const projects = await this.validateKey(env.apiUrl, apiKey)
    // A --project-id is found in any organization; the choices are the default organization's.
    const choices = options.projectId === undefined ? await new OrganizationScope(this.deps.client(env.apiUrl), env).projectsToPick(apiKey) : projects
    const projectId = await pickCredentialProject(choices, options, env.requiresAuth)
    if (!env.requiresAuth) this.deps.warn?.(unchecked(env.apiUrl, projectId, projects))
    return this.saveApiKeyProfile(env, apiKey, projectId, options.name)
  }

  /**
   * Saves a profile and its secrets and makes it current, in place of `previous` (same key, same
   * login subject) if given. Never loses a credential: the secrets go first, under a fresh
   * account; then the config switches to the new record in one atomic update; only then are the
   * replaced profile's secrets deleted. A failure before the switch removes the new secrets again
   * and leaves everything as it was. Every new profile name passes checkProfileName here; a
   * profile that keeps its name (written by an older version) keeps it as it is.
   */
  async create(
    profile: Omit<ProfileRecord, 'id'>,
    secrets: null | ProfileSecrets,
    previous: null | ProfileRecord = null,
  ): Promise<{created: boolean; previous: null | ProfileRecord; profile: ProfileRecord}> {
    if (profile.name !== previous?.name) checkProfileName(profile.name)
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
   * The credential object of a profile (`auth project --profile`, logout's revocation): its
   * secrets read once; for login profiles refresh-on-401 and the replacement of a rejected key.
   */
  async credential(profile: ProfileRecord): Promise<ActiveCredential> {
    const {secrets, session} = this.deps
    const location = {apiUrl: profile.apiUrl, authType: profile.authType, overrides: null, profile, projectId: profile.projectId, source: 'flag' as const}
    return ActiveCredential.read(location, async () => ({secrets, session}))
  }

  /** Creates (or updates) a profile for an API key that the server has already accepted. */
  async saveApiKeyProfile(env: EnvironmentRecord, apiKey: string, projectId: string, name?: string) {
    const keyHint = redactKey(apiKey)
    const previous = await this.find(
      env.apiUrl,
      async (existing) => existing.authType === 'api-key' && existing.keyHint === keyHint && (await this.secretsOf(existing))?.apiKey === apiKey,
    )
    return this.create({apiUrl: env.apiUrl, authType: 'api-key', keyHint, name: name ?? previous?.name ?? keyHint, projectId}, {apiKey}, previous)
  }

  /**
   * Deletes a profile and its secrets. A login profile's minted API key is revoked on the server
   * first, best effort: when that fails the profile is still deleted, with a warning naming the key.
   * Secrets go before the config entry, so a keychain failure leaves the profile in place to retry.
   * A locked keychain stops it too, unless `force`: then only the config entry goes, and
   * `leftBehind` names the keychain account whose entry stays.
   */
  async remove(apiUrl: string, name: string, options: {force?: boolean} = {}): Promise<{leftBehind: null | string; profile: ProfileRecord}> {
    const profile = await this.deps.profiles.get(apiUrl, name)
    let leftBehind: null | string = null
    try {
      await this.discard(profile)
    } catch (error) {
      if (!(error instanceof CliError && error.code === 'keychain_locked')) throw error
      if (!options.force)
        throw new CliError(`${error.message}; profile ${profile.name} is unchanged`, {
          code: error.code,
          suggestion: `${UNLOCK_HINT} and try again, or run \`llamactl auth logout ${profile.name} --force\` to delete the profile and leave its secrets in the keychain`,
        })
      leftBehind = secretAccount(profile)
      if (profile.authType === 'login' && profile.keyId)
        this.deps.warn?.(
          `The CLI API key ${profile.keyId} on ${profile.apiUrl} was not revoked (its secrets are in the locked keychain); revoke it in the web console`,
        )
    }

    await this.deps.profiles.remove(apiUrl, name)
    return {leftBehind, profile}
  }

  /**
   * Revokes a login profile's minted key (best effort) and deletes the profile's secrets; the config
   * entry stays. A locked keychain fails it before anything is revoked or deleted.
   */
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
      if (error instanceof CliError && (error.code === 'unauthorized' || error.code === 'forbidden')) {
        const requestId = (error as {requestId?: string}).requestId
        throw new CliError(
          `${apiUrl} did not accept this API key (${error.code === 'unauthorized' ? 401 : 403}${requestId ? `, request id ${requestId}` : ''})`,
          {
            code: 'invalid_key',
            suggestion: 'Check the key (create one in the web console) and try again; nothing was stored',
          },
        )
      }

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
  async find(apiUrl: string, match: (existing: ProfileRecord) => boolean | Promise<boolean>): Promise<null | ProfileRecord> {
    for (const candidate of await this.deps.profiles.list(apiUrl)) {
      if (await match(candidate)) return candidate
    }

    return null
  }

  private async revokeMintedKey(profile: ProfileRecord): Promise<void> {
    try {
      // A dead key is not replaced just to be revoked: a 401 only refreshes the session.
      const auth = (await this.credential(profile)).bearer({repairKey: false})
      await this.deps.client(profile.apiUrl).deleteApiKey(auth!, profile.keyId!)
    } catch (error) {
      // A locked keychain is not a failed revocation: nothing may be deleted then (see remove).
      if (error instanceof CliError && error.code === 'keychain_locked') throw error
      const why = (error as Error).message
      this.deps.warn?.(`Could not revoke the CLI API key ${profile.keyId} on ${profile.apiUrl} (${why}); revoke it in the web console`)
    }
  }
}
