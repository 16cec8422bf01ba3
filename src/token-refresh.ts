import {CliError} from './errors.js'
import {secretAccount} from './profile-repository.js'
import type {ControlPlaneClient} from './control-plane-client.js'
import type {ProfileSecrets, SecretStore} from './secret-store.js'
import type {ProfileRecord} from './state/schema.js'

export interface TokenRefreshDeps {
  client: (apiUrl: string) => ControlPlaneClient
  secrets: SecretStore
  timeoutMs?: number
}

const expired = (profile: ProfileRecord, why: string) =>
  new CliError(`The login session of ${profile.name} expired (${why})`, {
    code: 'session_expired',
    suggestion: 'Run `llamactl auth login` again',
  })

/**
 * Gets a fresh OIDC access token for a login profile after a 401. Under a cross-process lock,
 * the stored tokens are read again: if another process already refreshed them since `seen` was
 * read, its access token is used as is, so one refresh token is never spent twice. Otherwise
 * the refresh grant runs and the (possibly rotated) tokens are stored. Returns what was stored.
 */
export async function refreshLoginTokens(deps: TokenRefreshDeps, profile: ProfileRecord, seen: ProfileSecrets): Promise<ProfileSecrets> {
  return deps.secrets.exclusive(async () => {
    const account = secretAccount(profile)
    const current = await deps.secrets.get(account)
    if (!current) throw expired(profile, 'its secrets are gone')
    const changed = current.accessToken !== seen.accessToken || current.refreshToken !== seen.refreshToken
    if (changed && current.accessToken) return current
    if (!current.refreshToken) throw expired(profile, 'no refresh token was stored')

    const discovery = await deps.client(profile.apiUrl).oidcDiscovery()
    if (!discovery) throw expired(profile, `${profile.apiUrl} no longer offers browser login`)
    const {DeviceLogin} = await import('./device-login.js')
    const login = await DeviceLogin.discover(discovery, {timeoutMs: deps.timeoutMs})
    const tokens = await login.refresh(current.refreshToken)
    if (tokens.claims && profile.sub && tokens.claims.sub !== profile.sub) throw expired(profile, 'the provider answered for another user')
    const next: ProfileSecrets = {
      ...current,
      accessToken: tokens.accessToken,
      expiresAt: tokens.expiresAt,
      idToken: tokens.idToken ?? current.idToken,
      refreshToken: tokens.refreshToken ?? current.refreshToken,
    }
    await deps.secrets.set(account, next)
    return next
  })
}
