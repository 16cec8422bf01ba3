import {execFileSync} from 'node:child_process'
import http from 'node:http'
import type {AddressInfo, Socket} from 'node:net'

// The Provider class from its own module, not the package's index: the index warns at import
// that Node 20 is an "unsupported runtime" for oidc-provider 9 (it wants 22 for production
// servers), once per test process, in the middle of the test log. This package runs on 20.
import {Provider} from 'oidc-provider/lib/provider.js'

import {DEMO_PROJECTS, Identity, TestControlPlane, WireProject} from './control-plane-server.js'
import {closeServer, listenOnLoopback, trackSockets} from './loopback.js'

const rsaKeys = new Map<string, Record<string, string>>()

type Payload = Record<string, unknown> & {consumed?: number; grantId?: string; uid?: string; userCode?: string}

/**
 * oidc-provider's storage for one test provider, in memory. Without an adapter oidc-provider
 * uses its own, which is shared by every provider in the process and warns on each one that it
 * is for development only (about 60 times per test run). Same contract: payloads by model and
 * id with an expiry, found by session uid and device user code, revoked by grant.
 */
function memoryAdapter(): new (model: string) => object {
  const entries = new Map<string, {expiresAt: number; payload: Payload}>()
  const byUid = new Map<string, string>()
  const byUserCode = new Map<string, string>()
  const byGrant = new Map<string, Set<string>>()
  return class TestAdapter {
    constructor(private readonly model: string) {}

    async consume(id: string): Promise<void> {
      const entry = entries.get(this.key(id))
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000)
    }

    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id))
    }

    async find(id: string | undefined): Promise<Payload | undefined> {
      const entry = id === undefined ? undefined : entries.get(this.key(id))
      if (!entry || entry.expiresAt <= Date.now()) return undefined
      return entry.payload
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return this.find(byUid.get(uid))
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.find(byUserCode.get(userCode))
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of byGrant.get(grantId) ?? []) entries.delete(key)
      byGrant.delete(grantId)
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const key = this.key(id)
      entries.set(key, {expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY, payload})
      if (this.model === 'Session' && payload.uid) byUid.set(payload.uid, id)
      if (payload.userCode) byUserCode.set(payload.userCode, id)
      if (payload.grantId) byGrant.set(payload.grantId, (byGrant.get(payload.grantId) ?? new Set()).add(key))
    }

    private key(id: string): string {
      return `${this.model}:${id}`
    }
  }
}

/**
 * A 2048-bit RSA private key as a JWK, made once per test process and purpose. Made in a child
 * process: Node 20 can deadlock when the garbage collector finalises a key-generation job while
 * the same key is being exported as a JWK (seen hanging a whole CI run), so the test runner
 * itself never generates keys.
 */
function rsaJwk(purpose: string): Record<string, string> {
  if (!rsaKeys.has(purpose)) {
    const script =
      "const {generateKeyPairSync} = require('node:crypto'); const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048}); process.stdout.write(JSON.stringify(privateKey.export({format: 'jwk'})))"
    rsaKeys.set(purpose, JSON.parse(execFileSync(process.execPath, ['-e', script], {encoding: 'utf8', timeout: 30_000})))
  }

  return rsaKeys.get(purpose)!
}

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
export const CLI_CLIENT_ID = 'llamactl-cli'

/** A person who can sign in at the test provider (by email, any password). */
export interface TestAccount {
  email: string
  name?: string
  projects?: WireProject[]
  sub: string
}

export interface TestOidcOptions {
  accessTokenTtl?: number
  accounts?: TestAccount[]
  deviceCodeTtl?: number
  /**
   * Fields to overwrite in the device authorization response (`verification_uri_complete`, ...):
   * a hostile provider's answer, faked in front of oidc-provider, which only sends sane ones.
   */
  deviceAuthorization?: Record<string, unknown>
  /** Poll interval the device authorization response announces (oidc-provider itself sends none, meaning 5 s). */
  interval?: number
  /** Serve an unrelated key at jwks_uri, so ID token signatures can't be verified (a forged or misconfigured provider). */
  wrongJwks?: boolean
  /** Holds every refresh_token grant this long before the provider handles it, so concurrent refreshers overlap. */
  refreshDelayMs?: number
  /**
   * Answer `slow_down` to this many device-code polls before letting the provider handle them.
   * oidc-provider never sends slow_down itself, so this is injected in front of it.
   */
  slowDown?: number
}

export interface TokenRequest {
  at: number
  grantType: string
  /** Set when the answer was injected here rather than by the provider. */
  injected?: string
}

export const ALICE: TestAccount = {email: 'alice@example.com', name: 'Alice', projects: [DEMO_PROJECTS[0]], sub: 'sub-alice'}
export const BOB: TestAccount = {email: 'bob@example.com', name: 'Bob', projects: DEMO_PROJECTS, sub: 'sub-bob'}

const page = (title: string, body: string) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`

const escape = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;')

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

/**
 * A real OpenID provider (oidc-provider, device flow, a public CLI client, rotating refresh
 * tokens) on 127.0.0.1 port 0, with its own plain login and consent pages that a stand-in or
 * headless browser can submit. Nothing on its pages loads from outside loopback.
 */
export class TestOidcProvider {
  readonly accounts: Map<string, TestAccount>
  provider!: Provider
  readonly tokenRequests: TokenRequest[] = []
  private readonly server: http.Server
  private readonly sockets: Set<Socket>
  private slowDownLeft: number

  constructor(readonly options: TestOidcOptions = {}) {
    this.accounts = new Map((options.accounts ?? [ALICE, BOB]).map((a) => [a.email, a]))
    this.slowDownLeft = options.slowDown ?? 0
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500, {'content-type': 'text/plain'})
        res.end(String(error))
      })
    })
    this.sockets = trackSockets(this.server)
  }

  get discoveryUrl(): string {
    return `${this.issuer}/.well-known/openid-configuration`
  }

  get issuer(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  /** Makes a control plane point browser login at this provider and accept its access tokens. */
  attach(server: TestControlPlane): void {
    server.options.oidc = {clientId: CLI_CLIENT_ID, discoveryUrl: this.discoveryUrl}
    server.acceptToken = (token) => this.identityFor(token)
  }

  /** Who an access token belongs to, checked by the provider itself; null when unknown or expired. */
  async identityFor(accessToken: string): Promise<Identity | null> {
    const token = await this.provider.AccessToken.find(accessToken)
    if (!token || token.isExpired) return null
    const account = [...this.accounts.values()].find((a) => a.sub === token.accountId)
    if (!account) return null
    return {email: account.email, id: account.sub, name: account.name ?? null, projects: account.projects ?? DEMO_PROJECTS}
  }

  /** Token endpoint requests with this grant type (`refresh_token`, or DEVICE_GRANT). */
  grants(grantType: string): TokenRequest[] {
    return this.tokenRequests.filter((r) => r.grantType === grantType)
  }

  async start(): Promise<this> {
    await listenOnLoopback(this.server)
    this.provider = this.build()
    return this
  }

  async stop(): Promise<void> {
    await closeServer(this.server, this.sockets)
  }

  private build(): Provider {
    const jwk = {...rsaJwk('signing'), alg: 'RS256', kid: 'test-key', use: 'sig'}
    const accounts = this.accounts
    const provider = new Provider(this.issuer, {
      adapter: memoryAdapter(),
      claims: {email: ['email', 'email_verified'], openid: ['sub'], profile: ['name']},
      clients: [
        {
          client_id: CLI_CLIENT_ID,
          client_name: 'llamactl',
          grant_types: [DEVICE_GRANT, 'refresh_token'],
          redirect_uris: [],
          response_types: [],
          token_endpoint_auth_method: 'none',
        },
      ],
      // Put email in the ID token itself, as the CLI expects (the spec says it carries sub and email).
      conformIdTokenClaims: false,
      cookies: {keys: ['llamactl-test-cookie-key']},
      features: {
        devInteractions: {enabled: false},
        deviceFlow: {
          enabled: true,
          successSource: async (ctx: {body: string}) => {
            ctx.body = page('Sign-in Success', '<p id="done">You can close this page.</p>')
          },
          userCodeConfirmSource: async (ctx: {body: string}, form: string, _client: unknown, _info: unknown, userCode: string) => {
            ctx.body = page(
              'Confirm Device',
              `<p>Code: <code id="user-code">${escape(userCode)}</code></p>${form}` +
                '<button id="continue" type="submit" form="op.deviceConfirmForm">Continue</button>' +
                '<button id="abort" type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>',
            )
          },
          userCodeInputSource: async (ctx: {body: string}, form: string) => {
            ctx.body = page('Enter Code', `${form}<button type="submit" form="op.deviceInputForm">Continue</button>`)
          },
        },
        revocation: {enabled: true},
      },
      async findAccount(_ctx: unknown, sub: string) {
        const account = [...accounts.values()].find((a) => a.sub === sub)
        if (!account) return undefined
        return {
          accountId: sub,
          claims: async () => ({email: account.email, email_verified: true, name: account.name, sub}),
        }
      },
      interactions: {url: (_ctx: unknown, interaction: {uid: string}) => `/interaction/${interaction.uid}`},
      jwks: {keys: [jwk]},
      async renderError(ctx: {body: string; type: string}, out: Record<string, string>) {
        ctx.type = 'html'
        ctx.body = page('Error', `<p id="error">${escape(out.error ?? '')}: ${escape(out.error_description ?? '')}</p>`)
      },
      rotateRefreshToken: true,
      scopes: ['openid', 'offline_access', 'profile', 'email'],
      ttl: {
        AccessToken: this.options.accessTokenTtl ?? 3600,
        DeviceCode: this.options.deviceCodeTtl ?? 600,
        Grant: 86_400,
        IdToken: 3600,
        Interaction: 600,
        RefreshToken: 86_400,
        Session: 86_400,
      },
    })

    const interval = this.options.interval ?? 1
    provider.use(async (ctx, next) => {
      await next()
      if (ctx.path === '/device/auth' && ctx.status === 200 && typeof ctx.body === 'object' && ctx.body !== null)
        ctx.body = {...(ctx.body as object), interval, ...this.options.deviceAuthorization}
      if (ctx.path === '/jwks' && this.options.wrongJwks) {
        const {kty, n, e} = rsaJwk('impostor')
        ctx.body = {keys: [{alg: 'RS256', e, kid: 'test-key', kty, n, use: 'sig'}]}
      }
    })
    return provider
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer)
    if (url.pathname.startsWith('/interaction/')) return this.interaction(req, res, url)
    if (req.method === 'POST' && url.pathname === '/token') {
      // Read the body here to log the grant (and inject slow_down); the provider then reads req.body.
      const form = await readForm(req)
      const grantType = form.get('grant_type') ?? ''
      const entry: TokenRequest = {at: Date.now(), grantType}
      this.tokenRequests.push(entry)
      if (grantType === DEVICE_GRANT && this.slowDownLeft > 0) {
        this.slowDownLeft -= 1
        entry.injected = 'slow_down'
        res.writeHead(400, {'cache-control': 'no-store', 'content-type': 'application/json'})
        res.end(JSON.stringify({error: 'slow_down', error_description: 'poll less often'}))
        return
      }

      if (grantType === 'refresh_token' && this.options.refreshDelayMs)
        await new Promise((resolve) => {
          setTimeout(resolve, this.options.refreshDelayMs)
        })
      ;(req as http.IncomingMessage & {body?: unknown}).body = Object.fromEntries(form)
    }

    this.provider.callback()(req, res)
  }

  /** The provider's login and consent pages (what a real IdP would render). */
  private async interaction(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const details = await this.provider.interactionDetails(req, res)
    const {uid} = details
    const html = (status: number, body: string) => {
      res.writeHead(status, {'content-type': 'text/html; charset=utf-8'})
      res.end(body)
    }

    if (req.method === 'GET') {
      if (details.prompt.name === 'login')
        return html(
          200,
          page(
            'Sign in',
            `<form id="login" method="post" action="/interaction/${uid}/login">` +
              '<label>Email <input id="email" type="email" name="email"></label>' +
              '<label>Password <input id="password" type="password" name="password"></label>' +
              '<button id="sign-in" type="submit">Sign in</button></form>',
          ),
        )
      return html(
        200,
        page(
          'Authorize llamactl',
          `<form id="consent" method="post" action="/interaction/${uid}/confirm">` +
            '<button id="allow" type="submit" name="decision" value="allow">Allow</button>' +
            '<button id="deny" type="submit" name="decision" value="deny">Deny</button></form>',
        ),
      )
    }

    const form = await readForm(req)
    if (url.pathname.endsWith('/login')) {
      const account = this.accounts.get(form.get('email') ?? '')
      if (!account) return html(200, page('Sign in', '<p id="error">Unknown account</p>'))
      return this.provider.interactionFinished(req, res, {login: {accountId: account.sub}}, {mergeWithLastSubmission: false})
    }

    if (form.get('decision') !== 'allow')
      return this.provider.interactionFinished(
        req,
        res,
        {error: 'access_denied', error_description: 'The user denied the request'},
        {mergeWithLastSubmission: false},
      )
    const grant = new this.provider.Grant({accountId: details.session!.accountId, clientId: String(details.params.client_id)})
    const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? []
    grant.addOIDCScope(['openid', ...missing].join(' '))
    const grantId = await grant.save()
    return this.provider.interactionFinished(req, res, {consent: {grantId}}, {mergeWithLastSubmission: true})
  }
}
