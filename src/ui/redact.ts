// Only the model (which imports nothing): the command_not_found hook loads this on every unknown command.
import {hasKeyShape, hideSecretRuns, redactKey, SHORTEST_SECRET_RUN} from '../model.js'

// The redacted form lives in the model, which the network layer may import too.
export {redactKey} from '../model.js'

// The characters of a "word" in a message that could be a key: API keys and OIDC tokens are
// letters, digits, `-` and `_`. `*` is included so an already redacted form stays one word.
const WORD = /[\w*-]+/g

// A JWT (an OIDC access or ID token): three base64url parts, the first a JSON header (`{"` → `eyJ`).
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g

// A standard-base64 blob (a secret some server encodes): 32+ characters with a `+` or `=` padding,
// which a word doesn't have. One with a `/` could be a path (`/home/me/C++/…`): only with its
// `=` padding, and not starting like a path.
const BASE64 = /^[A-Za-z\d+/]{32,}={0,2}$/

/** Whether a whitespace-free run (quotes and punctuation around it removed) is a standard-base64 secret. */
function isBase64Blob(bare: string): boolean {
  if (!BASE64.test(bare) || !/[a-z]/.test(bare) || !/[A-Z]/.test(bare) || !/\d/.test(bare)) return false
  return bare.includes('/') ? bare.endsWith('=') && !bare.startsWith('/') : /[+=]/.test(bare)
}

// A URL's userinfo password (`https://user:secret@host`).
const USERINFO = /(\/\/[^\s/:@]*:)([^\s/@]+)@/g

/** Known secrets shorter than this are not searched for in messages: they would match ordinary words. */
const SHORTEST_KNOWN = SHORTEST_SECRET_RUN

/** Whether a word carries the `llx-` prefix of API keys (followed by at least 4 letters or digits, also when glued to a flag such as `-kllx-…`). */
function hasKeyPrefix(word: string): boolean {
  return !word.includes('****') && hasKeyShape(word)
}

/**
 * Whether a word of a message looks like a secret: it carries the `llx-` prefix of API keys
 * (followed by at least 4 letters or digits, also when glued to a flag such as `-kllx-…`), or it
 * is 24+ characters mixing upper case, lower case and digits, as random keys and tokens do. Ids
 * that errors show on purpose don't: project ids, UUIDs and hex request ids (one letter case),
 * words and redacted forms (`llx-ab****wxyz`).
 */
export function looksLikeKey(word: string): boolean {
  if (word.includes('****')) return false
  if (hasKeyPrefix(word)) return true
  return word.length >= 24 && /[a-z]/.test(word) && /[A-Z]/.test(word) && /\d/.test(word)
}

/**
 * A message with the secrets in it redacted: every occurrence of a `known` secret (the key or
 * token in play), and whatever has a key's shape: an `llx-` key, a JWT, a URL's userinfo
 * password, a standard-base64 blob, and a free-standing word that looksLikeKey. In a path or a
 * URL (a run of text with a `/`) only the key-shaped parts and the query's and fragment's values
 * are taken: a long path component (a temp folder `llamactl-acc-…-Xq3ZbT`) is a name, not a key,
 * and must stay readable.
 */
export function redactKeys(text: string, known: readonly string[] = []): string {
  let out = text
  const secrets = known.filter((secret) => secret.length >= SHORTEST_KNOWN).sort((a, b) => b.length - a.length)
  for (const secret of secrets) out = out.replaceAll(secret, redactKey(secret))
  out = hideSecretRuns(out, secrets)
  return out.replaceAll(/\S+/g, (run) => redactRun(run))
}

/** One whitespace-free run of a message, redacted (see redactKeys). */
function redactRun(run: string): string {
  let out = run.replaceAll(JWT, (token) => redactKey(token))
  const bare = out.replace(/^["'`(<[]+|["'`)>\],.:;!?]+$/g, '')
  if (isBase64Blob(bare)) return out.replace(bare, redactKey(bare))
  if (!out.includes('/') && !out.includes('\\')) return out.replaceAll(WORD, (word) => (looksLikeKey(word) ? redactKey(word) : word))
  out = out.replaceAll(USERINFO, (_, before: string, password: string) => `${before}${redactKey(password)}@`)
  const query = out.search(/[?#]/)
  const redactPrefixed = (part: string) => part.replaceAll(WORD, (word) => (hasKeyPrefix(word) ? redactKey(word) : word))
  if (query < 0) return redactPrefixed(out)
  // A query's or fragment's values are where URLs carry keys and tokens (`?api_key=…`, `#access_token=…`).
  const values = out.slice(query).replaceAll(WORD, (word) => (looksLikeKey(word) ? redactKey(word) : word))
  return redactPrefixed(out.slice(0, query)) + values
}
