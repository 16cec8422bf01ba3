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
    /** What the server said about it (its `detail`), made safe for a line: see serverDetail. */
    detail?: string,
  ) {
    super(message, {code, detail, suggestion})
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

/** The longest server detail quoted in a line; the Python llamactl quotes up to 250 characters of the body. */
export const DETAIL_LIMIT = 200

/**
 * What a server said about a failure, for the end of the error line: a JSON body's `detail`
 * (FastAPI's, a string or a list of `{msg}`), else its `message` or `error` string. Whitespace
 * runs become one space, control characters are spelled out, at most DETAIL_LIMIT characters;
 * undefined when the body says nothing usable (HTML, empty). Key-like words in it are redacted
 * where every error line is (BaseCommand.catch).
 */
export function serverDetail(body: Buffer): string | undefined {
  let payload: unknown
  try {
    payload = JSON.parse(body.subarray(0, 64 * 1024).toString('utf8'))
  } catch {
    return undefined
  }

  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined
  const fields = payload as Record<string, unknown>
  const said = [fields.detail, fields.message, fields.error]
    .map((value) =>
      Array.isArray(value)
        ? value
            .map((item) => (typeof item === 'object' && item !== null ? (item as {msg?: unknown}).msg : item))
            .filter((m) => typeof m === 'string')
            .join('; ')
        : value,
    )
    .find((value): value is string => typeof value === 'string' && value.trim() !== '')
  if (said === undefined) return undefined
  const oneLine = said.replaceAll(/\s+/g, ' ').trim()
  const chars = [...oneLine]
  return escapeUnprintable(chars.length > DETAIL_LIMIT ? `${chars.slice(0, DETAIL_LIMIT).join('')}…` : oneLine)
}

/** `: the server says "…"` for the end of a message, or nothing. */
export function detailRef(detail: string | undefined): string {
  return detail ? `: the server says "${detail}"` : ''
}
