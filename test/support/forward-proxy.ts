import http from 'node:http'
import type {AddressInfo, Socket} from 'node:net'

import {createProxy} from 'proxy'

import {closeServer, listenOnLoopback, trackSockets} from './loopback.js'

/** What a forward proxy was asked: `CONNECT host:port` for https, an absolute URL for http. */
export interface ProxiedRequest {
  /** Whether it came with a Proxy-Authorization header. */
  credentials?: boolean
  method: string
  target: string
}

/**
 * A real forward proxy (the npm `proxy` package: CONNECT tunnels and absolute-form requests)
 * on 127.0.0.1 port 0, recording what it was asked to reach.
 */
export class ForwardProxy {
  readonly seen: ProxiedRequest[] = []
  private readonly server = createProxy(http.createServer())
  private readonly sockets: Set<Socket>

  /** With `credentials` ("user:password"), requests without them get 407, as from a company proxy. */
  constructor(credentials?: string) {
    if (credentials) this.server.authenticate = (req) => req.headers['proxy-authorization'] === `Basic ${Buffer.from(credentials).toString('base64')}`
    const record = (method: string) => (req: http.IncomingMessage) =>
      this.seen.push({method: method || req.method || 'GET', target: req.url ?? '', ...(req.headers['proxy-authorization'] ? {credentials: true} : {})})
    this.server.on('request', record(''))
    this.server.on('connect', record('CONNECT'))
    this.sockets = trackSockets(this.server)
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async start(): Promise<this> {
    await listenOnLoopback(this.server)
    return this
  }

  async stop(): Promise<void> {
    await closeServer(this.server, this.sockets)
  }
}
