import type * as Oidc from 'openid-client'

import {isSecureUrl, parseUrl} from '../api-url.js'
import {CancelledError, CliError} from '../errors.js'
import type {OidcDiscovery} from './control-plane-client.js'

/** Scopes browser login asks for (docs/control-plane-api.md). */
export const LOGIN_SCOPES = 'openid profile email offline_access'

/** What the user must see and open to approve the login. */
export interface DeviceAuthorization {
  /** Epoch milliseconds at which the code stops working. */
  expiresAt: number
  /** Seconds between polls, as the provider asked (default 5). */
  interval: number
  raw: Oidc.DeviceAuthorizationResponse
  userCode: string
  verificationUri: string
  verificationUriComplete?: string
}

/** Tokens from a device or refresh grant; `claims` are from a verified ID token. */
export interface OidcTokens {
  accessToken: string
  claims?: {email: null | string; sub: string}
  /** Epoch seconds at which the access token expires, when the provider said. */
  expiresAt?: number
  idToken?: string
  refreshToken?: string
}

export interface DeviceLoginOptions {
  /** Where proxy variables are read from (default: process.env). */
  env?: NodeJS.ProcessEnv
  /** Per-request timeout towards the provider. */
  timeoutMs?: number
}

const fail = (message: string, suggestion: string, code = 'login_failed') => new CliError(message, {code, suggestion})

/** The issuer a discovery document URL belongs to: openid-client then checks the document's `issuer` against it. */
function issuerOf(discoveryUrl: string): URL {
  let url: URL
  try {
    url = new URL(discoveryUrl)
  } catch {
    throw fail(
      `The server announced an invalid OpenID discovery URL (${discoveryUrl})`,
      'Report this to the server operator, or use `llamactl auth token`',
      'bad_response',
    )
  }

  const suffix = '/.well-known/openid-configuration'
  return url.pathname.endsWith(suffix) ? new URL(url.href.slice(0, url.href.indexOf(suffix))) : url
}

/**
 * Browser login's OpenID side on openid-client: discovery, the device authorization grant
 * (RFC 8628) with ID-token signature checks against the provider's JWKS, and refresh.
 */
export class DeviceLogin {
  private constructor(
    private readonly oidc: typeof Oidc,
    readonly config: Oidc.Configuration,
    readonly issuer: string,
  ) {}

  /** Reads the provider's configuration; refuses plain http except on loopback. */
  static async discover(discovery: OidcDiscovery, options: DeviceLoginOptions = {}): Promise<DeviceLogin> {
    const oidc = await import('openid-client')
    const issuer = issuerOf(discovery.discoveryUrl)
    if (!isSecureUrl(issuer))
      throw fail(
        `The OpenID provider ${issuer.origin} is not served over https`,
        'Browser login needs https (plain http is allowed on loopback only); use `llamactl auth token` instead',
        'insecure_provider',
      )
    // The same HTTP stack as the control plane's (proxies, timeout, no redirects, bounded
    // bodies), and every request, including endpoints the discovery document names, must obey
    // the https rule.
    const {Http} = await import('./http.js')
    const http = new Http({env: options.env, timeoutMs: options.timeoutMs})
    const guardedFetch: Oidc.CustomFetch = (url, init) => {
      const target = new URL(url)
      if (!isSecureUrl(target))
        return Promise.reject(
          fail(
            `Refusing to send a plain-http request to ${target.origin}`,
            'Browser login needs an https OpenID provider; use `llamactl auth token` instead',
            'insecure_provider',
          ),
        )
      return http.fetch(url, init)
    }

    const execute = issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : []
    // openid-client's own deadline stays behind the stack's, whose timeout message is clearer.
    const timeout = Math.ceil(http.timeoutMs / 1000) + 5
    let config: Oidc.Configuration
    try {
      config = await oidc.discovery(issuer, discovery.clientId, {token_endpoint_auth_method: 'none'}, oidc.None(), {
        [oidc.customFetch]: guardedFetch,
        execute,
        timeout,
      })
    } catch (error) {
      throw (
        ours(error) ??
        fail(`Could not read the OpenID configuration of ${issuer.href}: ${describe(error)}`, 'Check your network, or use `llamactl auth token` instead')
      )
    }

    oidc.enableNonRepudiationChecks(config)
    return new DeviceLogin(oidc, config, config.serverMetadata().issuer)
  }

  /** Refreshes the tokens; the provider may rotate the refresh token. */
  async refresh(refreshToken: string): Promise<OidcTokens> {
    try {
      return this.tokens(await this.oidc.refreshTokenGrant(this.config, refreshToken, {scope: LOGIN_SCOPES}))
    } catch (error) {
      const why = describe(error)
      throw (
        ours(error) ?? new CliError(`The login session expired (${why})`, {code: 'session_expired', detail: why, suggestion: 'Run `llamactl auth login` again'})
      )
    }
  }

  /** Starts a device authorization: the code to show and the URL to open. */
  async start(): Promise<DeviceAuthorization> {
    let raw: Oidc.DeviceAuthorizationResponse
    try {
      raw = await this.oidc.initiateDeviceAuthorization(this.config, {scope: LOGIN_SCOPES})
    } catch (error) {
      throw (
        ours(error) ??
        fail(`The OpenID provider ${this.issuer} did not start a device login: ${describe(error)}`, 'Try again later, or use `llamactl auth token`')
      )
    }

    return {
      expiresAt: Date.now() + raw.expires_in * 1000,
      interval: raw.interval ?? 5,
      raw,
      userCode: raw.user_code,
      verificationUri: this.signInUrl(raw.verification_uri),
      verificationUriComplete: raw.verification_uri_complete === undefined ? undefined : this.signInUrl(raw.verification_uri_complete),
    }
  }

  /**
   * Polls the token endpoint until the user approves (RFC 8628: interval, slow_down adds 5 s,
   * authorization_pending keeps polling) and verifies the ID token. `signal` aborts the wait
   * at once (Ctrl-C); denial and expiry are errors that say what to do.
   */
  async wait(authorization: DeviceAuthorization, signal: AbortSignal): Promise<OidcTokens> {
    const expiry = AbortSignal.timeout(Math.max(0, authorization.expiresAt - Date.now()))
    const polling = this.oidc.pollDeviceAuthorizationGrant(this.config, authorization.raw, undefined, {
      signal: AbortSignal.any([signal, expiry]),
    })
    polling.catch(() => {}) // it may settle after an abort has already ended the wait
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new CancelledError())
      if (signal.aborted) onAbort()
      else signal.addEventListener('abort', onAbort, {once: true})
    })
    aborted.catch(() => {})
    let response: Awaited<typeof polling>
    try {
      response = await Promise.race([polling, aborted])
    } catch (error) {
      if (signal.aborted) throw new CancelledError()
      const known = ours(error)
      if (known) throw known
      const code = (error as {error?: string}).error
      if (code === 'access_denied')
        throw fail('Login was denied in the browser', 'Nothing was stored; run `llamactl auth login` again to retry', 'access_denied')
      if (code === 'expired_token' || expiry.aborted || (code === 'invalid_grant' && Date.now() >= authorization.expiresAt))
        throw fail('The login code expired before it was approved', 'Run `llamactl auth login` again', 'expired_token')
      throw fail(`Login failed at the OpenID provider: ${describe(error)}`, 'Run `llamactl auth login` again, or use `llamactl auth token`')
    }

    const tokens = this.tokens(response)
    if (!tokens.claims)
      throw fail(`${this.issuer} sent no ID token`, 'Browser login needs an OpenID provider; use `llamactl auth token` instead', 'bad_response')
    return tokens
  }

  /**
   * A sign-in URL from the provider, checked before anyone prints or opens it: an absolute
   * https URL (plain http on loopback only). Anything else, such as `--renderer-cmd-prefix=…`
   * aimed at the browser's command line, is refused. Returns the URL as parsed, so what is
   * shown and opened is exactly what was checked.
   */
  private signInUrl(value: unknown): string {
    const url = typeof value === 'string' ? parseUrl(value) : undefined
    if (!url || !isSecureUrl(url))
      throw fail(
        `The OpenID provider ${this.issuer} sent a sign-in URL that is not an absolute https URL; nothing was opened`,
        'Report this to the server operator, or use `llamactl auth token` instead',
        'bad_response',
      )
    return url.href
  }

  private tokens(response: Oidc.TokenEndpointResponse & Oidc.TokenEndpointResponseHelpers): OidcTokens {
    const claims = response.claims()
    const expiresIn = response.expiresIn()
    return {
      accessToken: response.access_token,
      claims: claims && {email: typeof claims.email === 'string' ? claims.email : null, sub: claims.sub},
      expiresAt: expiresIn === undefined ? undefined : Math.floor(Date.now() / 1000) + expiresIn,
      idToken: response.id_token,
      refreshToken: response.refresh_token,
    }
  }
}

/**
 * One of our own errors (from the HTTP stack: redirect, body too large, timeout, proxy, ...)
 * inside openid-client's wrapping: it already says what failed, with a stable code. Known by
 * shape as well as by class, since the HTTP stack is a lazily imported module.
 */
function ours(error: unknown): CliError | undefined {
  const isOurs = (e: unknown): e is CliError =>
    e instanceof CliError || (e instanceof Error && typeof (e as CliError).code === 'string' && typeof (e as CliError).exit === 'number' && 'line' in e)
  for (let e = error, depth = 0; e && depth < 5; e = (e as {cause?: unknown}).cause, depth++) if (isOurs(e)) return e
  return undefined
}

/** One line about an openid-client failure: the OAuth error code and description when there is one. */
function describe(error: unknown): string {
  const e = error as {cause?: {message?: string}; code?: string; error?: string; error_description?: string; message?: string}
  if (e.error) return e.error_description ? `${e.error}: ${e.error_description}` : e.error
  const cause = e.cause?.message && e.cause.message !== e.message ? ` (${e.cause.message})` : ''
  return `${e.message ?? String(error)}${cause}`
}
