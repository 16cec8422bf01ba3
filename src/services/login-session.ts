import os from 'node:os'

import {CliError} from '../errors.js'
import {secretAccount, type ProfileSecrets, type SecretStore} from '../stores/secret-store.js'
import type {ControlPlaneClient} from '../net/control-plane-client.js'
import type {ProfileStore} from '../stores/profile-store.js'
import type {ProfileRecord} from '../stores/schema.js'

export interface LoginSessionDeps {
  client: (apiUrl: string) => ControlPlaneClient
  /** Where the proxy and TLS variables are read (default: process.env). */
  env?: NodeJS.ProcessEnv
  /** The host name in the names of minted keys (default: os.hostname()). */
  hostname?: () => string
  /** Where a replaced key's id is recorded. */
  profiles: ProfileStore
  secrets: SecretStore
  /** Per-request timeout towards the OpenID provider. */
  timeoutMs?: number
  /** Prints a warning line on stderr (the one line saying a key was replaced). */
  warn: (message: string) => void
}

export interface RefreshOptions {
  /**
   * Also replace the profile's API key, which the server just rejected (default true): mint a new
   * one with the fresh access token, store it, revoke the old one. Logout's revocation says false.
   */
  repairKey?: boolean
}

/** The name a CLI key is minted under, at login and when a rejected one is replaced (docs/control-plane-api.md). */
export function cliKeyName(who: string, hostname = os.hostname()): string {
  return `${who} llamactl on ${hostname}`
}

/**
 * The error for a login profile whose session can't be refreshed; `why` is kept as its `detail`.
 * `lead` starts the sentence (`auth status` says "The API key works, but the").
 */
export function sessionExpired(profile: Pick<ProfileRecord, 'name'>, why: string, lead = 'The'): CliError {
  return new CliError(`${lead} login session of ${profile.name} expired (${why})`, {
    code: 'session_expired',
    detail: why,
    suggestion: 'Run `llamactl auth login` again',
  })
}

const expired = (profile: ProfileRecord, why: string) => sessionExpired(profile, why)

/** An error's message, for a warning that names what failed. */
const whyOf = (error: unknown) => (error as Error).message

/**
 * What keeps a browser-login profile working after the server rejects its key (401): the OIDC
 * refresh grant, spent once across processes, and a new key in place of the rejected one, so
 * that the next command works with no refresh at all. ActiveCredential (the command's one credential object) calls it; nothing else does.
 */
export class LoginSession {
  constructor(private readonly deps: LoginSessionDeps) {}

  /**
   * Gets a fresh OIDC access token and (unless `repairKey` is false) a new API key. Under a
   * cross-process lock the stored secrets are read again: if another process replaced the key
   * or refreshed the tokens since `seen` was read, what it stored is used as is, so one refresh
   * token is never spent twice and one rejected key is replaced once. Otherwise the refresh grant
   * runs, the (possibly rotated) tokens are stored, and the key is replaced. Returns what is stored now.
   */
  async refresh(profile: ProfileRecord, seen: ProfileSecrets, options: RefreshOptions = {}): Promise<ProfileSecrets> {
    const {secrets} = this.deps
    return secrets.exclusive(async () => {
      const account = secretAccount(profile)
      const current = await secrets.get(account)
      if (!current) throw expired(profile, 'its secrets are gone')
      if (current.apiKey && current.apiKey !== seen.apiKey) return current
      const changed = current.accessToken !== seen.accessToken || current.refreshToken !== seen.refreshToken
      if (changed && current.accessToken) return current
      if (!current.refreshToken) throw expired(profile, 'no refresh token was stored')

      const discovery = await this.deps.client(profile.apiUrl).oidcDiscovery()
      if (!discovery) throw expired(profile, `${profile.apiUrl} no longer offers browser login`)
      const {DeviceLogin} = await import('../net/device-login.js')
      const login = await DeviceLogin.discover(discovery, {env: this.deps.env, timeoutMs: this.deps.timeoutMs})
      let tokens
      try {
        tokens = await login.refresh(current.refreshToken)
      } catch (error) {
        // Said again with the profile's name: several login profiles may exist.
        if (error instanceof CliError && error.reason === 'session_expired') throw expired(profile, error.detail ?? 'the refresh was refused')
        throw error
      }

      if (tokens.claims && profile.sub && tokens.claims.sub !== profile.sub) throw expired(profile, 'the provider answered for another user')
      const next: ProfileSecrets = {
        ...current,
        accessToken: tokens.accessToken,
        expiresAt: tokens.expiresAt,
        idToken: tokens.idToken ?? current.idToken,
        refreshToken: tokens.refreshToken ?? current.refreshToken,
      }
      if (options.repairKey === false) {
        await secrets.set(account, next)
        return next
      }

      return this.replaceKey(profile, next)
    })
  }

  /**
   * Mints a key in place of the rejected one (named as at login), stores it with the refreshed
   * tokens in one write (then the key id in the config in one atomic update) and revokes the
   * old id, best effort. Called under the refresh lock with freshly refreshed tokens, not yet
   * stored: whatever happens, they are stored before this returns or throws, since the provider
   * may have rotated the refresh token. When no key can be minted, the command goes on with the
   * access token, and a warning says so.
   */
  private async replaceKey(profile: ProfileRecord, tokens: ProfileSecrets): Promise<ProfileSecrets> {
    const {profiles, warn} = this.deps
    const account = secretAccount(profile)
    if (!tokens.accessToken) {
      await this.deps.secrets.set(account, tokens)
      return tokens
    }

    const client = this.deps.client(profile.apiUrl)
    let minted
    try {
      minted = await client.createApiKey(tokens.accessToken, cliKeyName(profile.email ?? profile.sub ?? profile.name, this.deps.hostname?.()))
    } catch (error) {
      await this.deps.secrets.set(account, tokens)
      warn(`The CLI API key of ${profile.name} was rejected and no new one could be minted (${whyOf(error)}); this command goes on with the login session`)
      return tokens
    }

    const next: ProfileSecrets = {...tokens, apiKey: minted.secret}
    await this.deps.secrets.set(account, next)
    let oldKeyId: string | undefined
    try {
      // The id in the file now, not in `profile`: this process may have read the config before another replaced the key.
      oldKeyId = await profiles.setKeyId(profile.id, minted.id)
    } catch (error) {
      warn(
        `The CLI API key of ${profile.name} was replaced, but its id could not be recorded (${whyOf(error)}); revoke key ${minted.id} in the web console after logging out`,
      )
      return next
    }

    let revoked = ' (it had no recorded id to revoke)'
    if (oldKeyId && oldKeyId !== minted.id)
      try {
        await client.deleteApiKey(tokens.accessToken, oldKeyId)
        revoked = ` and revoked the old one (${oldKeyId})`
      } catch (error) {
        revoked = `; the old one (${oldKeyId}) could not be revoked (${whyOf(error)}): revoke it in the web console`
      }

    warn(`The server rejected the CLI API key of ${profile.name}: replaced it with a new one (${minted.id})${revoked}`)
    return next
  }
}
