import {randomBytes, randomUUID} from 'node:crypto'
import http from 'node:http'
import type {AddressInfo, Socket} from 'node:net'
import {closeServer, listenOnLoopback, trackSockets} from './loopback.js'

/** A project as the server lists it (wire format of docs/control-plane-api.md). */
export interface WireProject {
  deployment_count: number
  /** The organization (`"default"` when absent, as the server's schema defaults it). */
  org_id?: string
  project_id: string
  project_name: null | string
}

/** An organization as `/organizations` lists it. */
export interface WireOrganization {
  is_default: boolean
  org_id: string
  org_name: string
}

export interface Identity {
  email: null | string
  id: string
  name: null | string
  projects: WireProject[]
}

/** A fault to inject into matching requests: tests switch them on and off. */
export type Fault = {kind: 'badJson'} | {kind: 'hang'} | {kind: 'notVersionDocument'} | {kind: 'slow'; ms: number} | {kind: 'status'; status: number}

export interface FaultRule {
  fault: Fault
  method?: string
  /** Substring of the path the fault applies to; all paths when absent. */
  path?: string
  /** How many requests it hits before switching itself off; forever when absent. */
  times?: number
}

export interface ControlPlaneOptions {
  minLlamactlVersion?: null | string
  /** Answer the OIDC discovery endpoint; 404 when absent, as a server without browser login. */
  oidc?: {clientId: string; discoveryUrl: string}
  /**
   * Organizations: the version document lists the `organizations` capability, `/organizations`
   * answers with these, and `list-projects?org_id=` filters by them. Absent: neither (404).
   */
  organizations?: WireOrganization[]
  requiresAuth?: boolean
  /** Projects listed without auth (environments that don't require it). */
  publicProjects?: WireProject[]
  /**
   * A hostile `x-request-id` sent with every answer instead of `req-<n>`. Node's HTTP stack
   * refuses C0 controls in headers on both ends, but Latin-1 bytes such as 0x9B (the C1 CSI)
   * pass, so this is how a control sequence reaches an error line through a header.
   */
  requestId?: string
  /**
   * Where answers carry their request id: the `x-request-id` header (default), the
   * `x-correlation-id` header, or, as the open-source control plane does, no header and a 5xx
   * body of `{"detail": "Internal server error", "correlation_id": …}`.
   */
  requestIdIn?: 'body' | 'x-correlation-id' | 'x-request-id'
  version?: string
}

export interface LoggedRequest {
  authorization?: string
  body?: unknown
  method: string
  path: string
  /** The query string (`?org_id=…`), or empty. */
  query?: string
}

/** Two organizations; `acme` is the default (listed second, so "the first" is not the rule). */
export const TWO_ORGANIZATIONS: WireOrganization[] = [
  {is_default: false, org_id: 'globex', org_name: 'Globex'},
  {is_default: true, org_id: 'acme', org_name: 'Acme'},
]

/** Projects in TWO_ORGANIZATIONS: p1 and p2 in the default one, p3 outside it. */
export const ORG_PROJECTS: WireProject[] = [
  {deployment_count: 3, org_id: 'acme', project_id: 'p1', project_name: 'Demo'},
  {deployment_count: 0, org_id: 'acme', project_id: 'p2', project_name: null},
  {deployment_count: 1, org_id: 'globex', project_id: 'p3', project_name: 'Outside'},
]

export const DEMO_PROJECTS: WireProject[] = [
  {deployment_count: 3, project_id: 'p1', project_name: 'Demo'},
  {deployment_count: 0, project_id: 'p2', project_name: null},
]

/**
 * A real HTTP server on 127.0.0.1 (port 0) speaking the control-plane API the plugin talks to,
 * with fault switches. API keys are registered with `addKey`; `acceptToken` lets a test accept
 * other bearer tokens (OIDC access tokens) by checking them however it likes.
 */
export class TestControlPlane {
  acceptToken?: (token: string) => Promise<Identity | null>
  readonly faults: FaultRule[] = []
  /** Keys minted by POST /api/v1/api-keys, by key id. */
  readonly minted = new Map<string, {identity: Identity; secret: string}>()
  options: ControlPlaneOptions
  readonly requests: LoggedRequest[] = []
  private readonly keys = new Map<string, Identity>()
  private readonly server: http.Server
  private readonly sockets: Set<Socket>

  constructor(options: ControlPlaneOptions = {}) {
    this.options = options
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500, {'content-type': 'application/json'})
        res.end(JSON.stringify({detail: String(error)}))
      })
    })
    this.sockets = trackSockets(this.server)
  }

  get url(): string {
    const {port} = this.server.address() as AddressInfo
    return `http://127.0.0.1:${port}`
  }

  /** Registers an API key and who it belongs to; returns the key. */
  addKey(key = `llx-${randomBytes(16).toString('hex')}`, identity: Partial<Identity> = {}): string {
    this.keys.set(key, {email: null, id: randomUUID(), name: null, projects: DEMO_PROJECTS, ...identity})
    return key
  }

  /** Requests to a path (substring match), for assertions. */
  calls(path: string, method?: string): LoggedRequest[] {
    return this.requests.filter((r) => r.path.includes(path) && (!method || r.method === method))
  }

  /** Switches a fault on. */
  fail(rule: FaultRule): void {
    this.faults.push(rule)
  }

  /** Changes the projects a key may use (e.g. a project removed on the server). */
  setProjects(key: string, projects: WireProject[]): void {
    const identity = this.keys.get(key)
    if (!identity) throw new Error('setProjects: unknown key')
    identity.projects = projects
  }

  revokeKey(key: string): void {
    this.keys.delete(key)
  }

  async start(): Promise<this> {
    await listenOnLoopback(this.server)
    return this
  }

  async stop(): Promise<void> {
    await closeServer(this.server, this.sockets)
  }

  private async authenticate(req: http.IncomingMessage): Promise<Identity | null> {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')
    if (!match) return null
    return this.keys.get(match[1]) ?? (await this.acceptToken?.(match[1])) ?? null
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    let body: unknown
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      body = text
    }

    this.requests.push({authorization: req.headers.authorization, body, method: req.method ?? 'GET', path: url.pathname, query: url.search})
    const requestId = this.options.requestId ?? `req-${this.requests.length}`
    const idIn = this.options.requestIdIn ?? 'x-request-id'
    const idHeader = idIn === 'body' ? {} : {[idIn]: requestId}
    const send = (status: number, payload?: unknown) => {
      res.writeHead(status, {'content-type': 'application/json', ...idHeader})
      const body = idIn === 'body' && status >= 500 ? {correlation_id: requestId, detail: 'Internal server error'} : payload
      res.end(body === undefined ? '' : JSON.stringify(body))
    }

    const rule = this.faults.find((f) => (!f.path || url.pathname.includes(f.path)) && (!f.method || f.method === req.method))
    if (rule) {
      if (rule.times !== undefined && --rule.times <= 0) this.faults.splice(this.faults.indexOf(rule), 1)
      switch (rule.fault.kind) {
        case 'badJson': {
          res.writeHead(200, {'content-type': 'application/json', ...idHeader})
          res.end('{"projects": [')
          return
        }

        case 'hang': {
          return // never answers; the client's timeout must fire
        }

        case 'notVersionDocument': {
          res.writeHead(200, {'content-type': 'text/html', ...idHeader})
          res.end('<html>hello</html>')
          return
        }

        case 'slow': {
          await new Promise((resolve) => {
            setTimeout(resolve, (rule.fault as {ms: number}).ms)
          })
          break
        }

        case 'status': {
          send(rule.fault.status, {detail: 'injected fault'})
          return
        }
      }
    }

    const {pathname} = url
    const requiresAuth = this.options.requiresAuth ?? true
    if (req.method === 'GET' && pathname === '/api/v1beta1/deployments-public/version') {
      return send(200, {
        capabilities: this.options.organizations ? ['deployments', 'organizations'] : ['deployments'],
        min_llamactl_version: this.options.minLlamactlVersion ?? null,
        requires_auth: requiresAuth,
        version: this.options.version ?? '0.4.2',
      })
    }

    if (req.method === 'GET' && pathname === '/api/v1/auth/oidc/discovery') {
      if (!this.options.oidc) return send(404, {detail: 'Not Found'})
      return send(200, {client_ids: {cli: this.options.oidc.clientId}, discovery_url: this.options.oidc.discoveryUrl})
    }

    const identity = await this.authenticate(req)
    if (req.method === 'GET' && pathname === '/api/v1beta1/deployments/list-projects') {
      const orgId = url.searchParams.get('org_id')
      const inOrg = (projects: WireProject[]) => (orgId === null ? projects : projects.filter((p) => (p.org_id ?? 'default') === orgId))
      if (identity) return send(200, {projects: inOrg(identity.projects)})
      // Like the open-source control plane: without auth, no key is checked, any key "works".
      if (!requiresAuth) return send(200, {projects: inOrg(this.options.publicProjects ?? DEMO_PROJECTS)})
      return send(401, {detail: 'Invalid or expired token'})
    }

    if (req.method === 'GET' && pathname === '/api/v1beta1/deployments/organizations') {
      if (!this.options.organizations) return send(404, {detail: 'Not Found'})
      if (identity || !requiresAuth) return send(200, {organizations: this.options.organizations})
      return send(401, {detail: 'Invalid or expired token'})
    }

    if (!identity) return send(401, {detail: 'Invalid or expired token'})
    if (req.method === 'GET' && pathname === '/api/v1beta1/deployments') {
      // What the host fixture's own `deployments list` calls: deployment_count made-up deployments.
      const project = identity.projects.find((p) => p.project_id === url.searchParams.get('project_id'))
      if (!project) return send(403, {detail: 'Not a project of this key'})
      const deployments = Array.from({length: project.deployment_count}, (_, i) => ({
        id: `${project.project_id}-d${i + 1}`,
        name: `app-${i + 1}`,
        status: 'Running',
      }))
      return send(200, {deployments})
    }

    if (req.method === 'GET' && pathname === '/api/v1/auth/me') {
      return send(200, {email: identity.email, id: identity.id, name: identity.name})
    }

    if (req.method === 'POST' && pathname === '/api/v1/api-keys') {
      const id = `key-${randomUUID()}`
      const secret = this.addKey(undefined, identity)
      this.minted.set(id, {identity, secret})
      return send(200, {id, name: (body as {name?: string})?.name ?? 'llamactl', redacted_api_key: secret})
    }

    const keyMatch = /^\/api\/v1\/api-keys\/([^/]+)$/.exec(pathname)
    if (req.method === 'DELETE' && keyMatch) {
      const minted = this.minted.get(decodeURIComponent(keyMatch[1]))
      if (!minted) return send(404, {detail: 'No such key'})
      this.minted.delete(decodeURIComponent(keyMatch[1]))
      this.keys.delete(minted.secret)
      return send(204)
    }

    send(404, {detail: 'Not Found'})
  }
}
