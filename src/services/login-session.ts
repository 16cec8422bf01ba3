import {CliError} from '../errors.js'
import {secretAccount, type ProfileSecrets, type SecretStore} from '../stores/secret-store.js'
import type {ControlPlaneClient} from '../net/control-plane-client.js'
import type {ProfileRecord} from '../stores/schema.js'

export interface LoginSessionDeps {
  client: (apiUrl: string) => ControlPlaneClient
  secrets: SecretStore
  /** Per-request timeout towards the OpenID provider. */
  timeoutMs?: number
}

const expired = (profile: ProfileRecord, why: string) =>
  new CliError(`The login session of ${profile.name} expired (${why})`, {
    code: 'session_expired',
    suggestion: 'Run `llamactl auth login` again',
  })

/**
 * What keeps a browser-login profile working after the server rejects its key (401): the OIDC
 * refresh grant, spent once across processes. ProfileService.bearer calls it; nothing else does.
 */
export class LoginSession {
  constructor(private readonly deps: LoginSessionDeps) {}

  /**
   * Gets a fresh OIDC access token. Under a cross-process lock the stored tokens are read again:
   * if another process refreshed them since `seen` was read, its access token is used as is, so
   * one refresh token is never spent twice. Otherwise the refresh grant runs and the (possibly
   * rotated) tokens are stored. Returns what is stored now.
   */
  async refresh(profile: ProfileRecord, seen: ProfileSecrets): Promise<ProfileSecrets> {
    const {secrets} = this.deps
    return secrets.exclusive(async () => {
      const account = secretAccount(profile)
      const current = await secrets.get(account)
      if (!current) throw expired(profile, 'its secrets are gone')
      const changed = current.accessToken !== seen.accessToken || current.refreshToken !== seen.refreshToken
      if (changed && current.accessToken) return current
      if (!current.refreshToken) throw expired(profile, 'no refresh token was stored')

      const discovery = await this.deps.client(profile.apiUrl).oidcDiscovery()
      if (!discovery) throw expired(profile, `${profile.apiUrl} no longer offers browser login`)
      const {DeviceLogin} = await import('../net/device-login.js')
      const login = await DeviceLogin.discover(discovery, {timeoutMs: this.deps.timeoutMs})
      const tokens = await login.refresh(current.refreshToken)
      if (tokens.claims && profile.sub && tokens.claims.sub !== profile.sub) throw expired(profile, 'the provider answered for another user')
      const next: ProfileSecrets = {
        ...current,
        accessToken: tokens.accessToken,
        expiresAt: tokens.expiresAt,
        idToken: tokens.idToken ?? current.idToken,
        refreshToken: tokens.refreshToken ?? current.refreshToken,
      }
      await secrets.set(account, next)
      return next
    })
  }
}
