// oidc-provider ships no type declarations; this covers the little the tests use.
declare module 'oidc-provider' {
  import type {IncomingMessage, ServerResponse} from 'node:http'

  interface KoaContext {
    body: unknown
    method: string
    path: string
    status: number
    oidc?: {params?: Record<string, unknown>}
    req: IncomingMessage
  }

  interface StoredToken {
    accountId: string
    clientId: string
    destroy(): Promise<void>
    isExpired: boolean
    scope?: string
  }

  interface Interaction {
    params: Record<string, unknown>
    prompt: {details: Record<string, unknown>; name: string}
    session?: {accountId: string}
    uid: string
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void
    save(): Promise<string>
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    AccessToken: {find(token: string): Promise<StoredToken | undefined>}
    RefreshToken: {find(token: string): Promise<{destroy(): Promise<void>} | undefined>}
    Grant: new (properties: {accountId: string; clientId: string}) => GrantInstance
    proxy: boolean
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: {mergeWithLastSubmission?: boolean},
    ): Promise<void>
    on(event: string, listener: (...args: unknown[]) => void): this
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void
  }
}

// The Provider class from its own module (see test/support/oidc-provider.ts for why).
declare module 'oidc-provider/lib/provider.js' {
  export {default as Provider} from 'oidc-provider'
}
