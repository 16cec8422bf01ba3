import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo, Socket} from 'node:net'
import path from 'node:path'
import {closeServer, listenOnLoopback, trackSockets} from './loopback.js'

/** A request as a hostile server saw it. */
export interface SeenRequest {
  authorization?: string
  method: string
  path: string
}

export type HostileHandler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown

/** A certificate for an IP address, self-signed by openssl; `certFile` is what NODE_EXTRA_CA_CERTS takes. */
export interface TestCertificate {
  cert: Buffer
  certFile: string
  key: Buffer
}

/** Makes a self-signed certificate for `ip` in `dir` with openssl (one RSA key: a child process, never the runner). */
export function selfSignedCertificate(dir: string, ip = '127.0.0.1'): TestCertificate {
  const keyFile = path.join(dir, `key-${ip}.pem`)
  const certFile = path.join(dir, `cert-${ip}.pem`)
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      `/CN=${ip}`,
      '-addext',
      `subjectAltName=IP:${ip}`,
    ],
    {stdio: 'ignore', timeout: 30_000},
  )
  return {cert: readFileSync(certFile), certFile, key: readFileSync(keyFile)}
}

/** A loopback address other than 127.0.0.1, random per call, so parallel runs don't meet on fixed ports. */
export function randomLoopbackAddress(): string {
  const byte = () => 1 + Math.floor(Math.random() * 250)
  return `127.${byte()}.${byte()}.${byte()}`
}

/**
 * An HTTP or HTTPS server on loopback that answers however the test says (redirects, huge
 * bodies, wrong shapes) and records every request with its Authorization header, so a test
 * can prove what reached it. Stops by itself never; `stop` destroys open connections.
 */
export class HostileServer {
  readonly requests: SeenRequest[] = []
  private readonly server: http.Server
  private readonly sockets: Set<Socket>

  constructor(handler: HostileHandler, options: {tls?: TestCertificate} = {}) {
    const listener: http.RequestListener = (req, res) => {
      this.requests.push({authorization: req.headers.authorization, method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://x').pathname})
      Promise.resolve(handler(req, res)).catch((error) => {
        if (!res.headersSent) res.writeHead(500)
        res.end(String(error))
      })
    }

    this.server = options.tls ? https.createServer({cert: options.tls.cert, key: options.tls.key}, listener) : http.createServer(listener)
    this.sockets = trackSockets(this.server)
  }

  get address(): AddressInfo {
    return this.server.address() as AddressInfo
  }

  /** The base URL, without a port when it is the scheme's default. */
  get url(): string {
    const scheme = this.server instanceof https.Server ? 'https' : 'http'
    const {address, port} = this.address
    const defaultPort = scheme === 'https' ? 443 : 80
    return `${scheme}://${address}${port === defaultPort ? '' : `:${port}`}`
  }

  /** Listens on `host:port` (port 0: any); rejects (EACCES, EADDRINUSE) when that can't be had. */
  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    await listenOnLoopback(this.server, port, host)
    return this
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return
    await closeServer(this.server, this.sockets)
  }
}

/** Sends a JSON answer with an `x-request-id`. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, requestId = 'hostile-1'): void {
  res.writeHead(status, {'content-type': 'application/json', 'x-request-id': requestId})
  res.end(JSON.stringify(body))
}

/** The control plane's version document (requires auth), for servers that must pass `auth env add`. */
export function answersVersion(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method !== 'GET' || !req.url?.startsWith('/api/v1beta1/deployments-public/version')) return false
  sendJson(res, 200, {capabilities: [], min_llamactl_version: null, requires_auth: true, version: '0.4.2'})
  return true
}

/**
 * Streams a body of `totalBytes` (chunked, no Content-Length), respecting back-pressure, and
 * stops early when the client hangs up. Resolves with the bytes written. Bounded in time too.
 */
export async function streamHugeBody(res: http.ServerResponse, totalBytes: number, maxMs = 60_000): Promise<number> {
  res.writeHead(200, {'content-type': 'application/json', 'x-request-id': 'hostile-huge'})
  const chunk = Buffer.alloc(64 * 1024, 0x20) // spaces: valid JSON whitespace, forever
  let written = 0
  const deadline = Date.now() + maxMs
  let closed = false
  res.on('close', () => {
    closed = true
  })
  res.write('{"projects": [')
  while (written < totalBytes && !closed && Date.now() < deadline) {
    written += chunk.length
    if (!res.write(chunk))
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done)
          res.off('close', done)
          resolve()
        }

        res.on('drain', done)
        res.on('close', done)
      })
  }

  if (!closed) res.end(']}')
  return written
}
