import {CliError} from '../errors.js'

/**
 * An HTTP failure towards a control plane or an OpenID provider, with the status and the
 * server's request id (`x-request-id`) when a response came. Its own module so that code
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
