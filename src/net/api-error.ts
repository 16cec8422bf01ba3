import {CliError} from '../errors.js'
import {escapeUnprintable} from '../model.js'

/**
 * An HTTP failure towards a control plane or an OpenID provider, with the status and the
 * server's request id (`x-request-id`, `x-correlation-id` or a body's `correlation_id`) when a response came. Its own module so that code
 * checking `instanceof ApiError` doesn't load the HTTP stack.
 */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly requestId: string | undefined,
    code: string,
    suggestion?: string,
  ) {
    super(message, {code, suggestion})
    this.name = 'ApiError'
  }
}

/** `, request id X` for a message, or nothing when the server sent none. */
export function requestRef(requestId: string | undefined): string {
  return requestId ? `, request id ${requestId}` : ''
}

/**
 * A request id as a server sent it, made safe for a line: at most 64 characters, control
 * characters spelled out (the printable rule of model.ts), so a hostile one can't flood or rewrite the line.
 */
export function boundedRequestId(raw: string | undefined): string | undefined {
  const id = raw?.trim()
  if (!id) return undefined
  return escapeUnprintable(id.length > 64 ? `${id.slice(0, 64)}…` : id)
}
