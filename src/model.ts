/*
 * The bottom layer: the records every other layer passes around, and the one rule of which text
 * shows as itself on a terminal. It imports nothing, so anything may import it
 * (docs/architecture.md).
 */

/** The control plane a fresh config points at, as in the Python llamactl. */
export const DEFAULT_API_URL = 'https://api.cloud.llamaindex.ai'

/** The package.json field naming the llamactl release whose surface this package implements. */
export interface LlamactlManifest {
  llamactl?: {implements?: string}
}

/**
 * The llamactl version a server's `min_llamactl_version` is compared with, from the running CLI's
 * oclif config: installed in a llamactl CLI, the host's version; run on its own (the root
 * package is this one), the llamactl release this package implements (`llamactl.implements` in
 * package.json), never the plugin's own package version.
 */
export function llamactlVersion(config: {pjson: object; version: string}): string {
  return (config.pjson as LlamactlManifest).llamactl?.implements ?? config.version
}

/** The OS keychain's service name for every secret of ours (accounts `profile:<id>`; docs/formats.md). */
export const KEYCHAIN_SERVICE = 'llamactl'

export type AuthType = 'api-key' | 'login' | 'none'

/** A control plane and what probing it revealed. */
export interface EnvironmentRecord {
  apiUrl: string
  /** What the server's version document listed (e.g. `organizations`); absent until it was probed. */
  capabilities?: string[]
  /** Name of the profile that is current in this environment, remembered across switches. */
  currentProfile: null | string
  minLlamactlVersion: null | string
  requiresAuth: boolean
}

/** A login profile. Never holds a secret: those live in the secret store under `profile:<id>`. */
export interface ProfileRecord {
  apiUrl: string
  authType: AuthType
  /** Login profiles: the email the provider reported. */
  email?: null | string
  /** Stable internal id; names the profile's secret in the secret store. */
  id: string
  /** API-key profiles: the key's redacted form, to find a profile already holding the same key. */
  keyHint?: string
  /** Login profiles: id of the API key minted for the CLI, to revoke on logout. */
  keyId?: string
  name: string
  projectId: null | string
  /** Login profiles: the OpenID subject, so logging in again updates the same profile. */
  sub?: string
}

/** A project as the control plane lists it. */
export interface Project {
  deploymentCount: number
  /** The organization it belongs to (`"default"` when the server doesn't say). */
  orgId: string
  projectId: string
  projectName: null | string
}

/** An organization as the control plane lists it. */
export interface Organization {
  isDefault: boolean
  orgId: string
  orgName: string
}

// What doesn't show as itself on one line: control characters (C0 with tab and line breaks, DEL,
// C1, among them ESC and the one-character CSI U+009B: `\p{Cc}`), invisible format characters such
// as bidi overrides and zero-width spaces (`\p{Cf}`), lone surrogates (`\p{Cs}`, not encodable),
// and the Unicode line and paragraph separators. Private-use and unassigned code points are
// printable: they draw as a glyph or a box, never move the cursor.
export const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u
const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'gu')
// Text of printable ASCII only is answered without the regexes above: V8 builds their Unicode
// property tables on first use, which every command would otherwise pay at start-up.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** The first character of `text` that would not show as itself on one line, or undefined. */
export function firstUnprintable(text: string): string | undefined {
  return PRINTABLE_ASCII.test(text) ? undefined : UNPRINTABLE.exec(text)?.[0]
}

/** Whether every character of `text` shows as itself on one line (names, ids: what goes into a table). */
export function isPrintable(text: string): boolean {
  return PRINTABLE_ASCII.test(text) || !UNPRINTABLE.test(text)
}

/**
 * `text` with every character that isn't printable spelled as a `\u001b`-style escape (lower-case
 * hex per UTF-16 unit, as JSON spells it): one line stays one line, and applying it twice changes
 * nothing more.
 */
export function escapeUnprintable(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text
  // A match is one UTF-16 unit, or two for a format character beyond U+FFFF (a tag character).
  return text.replace(UNPRINTABLE_ALL, (c) =>
    c
      .split('')
      .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join(''),
  )
}

/**
 * A project id llamactl takes over (from a server or a flag): 1 to 200 characters, no control
 * characters, invisible format characters or line separators. It ends up on terminals, in
 * config.json and in .env files that shells source.
 */
export function projectIdText(value: string): boolean {
  return value.length > 0 && value.length <= 200 && !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(value)
}

/**
 * SQLite's BINARY collation, the order of the Python llamactl's `ORDER BY name` / `ORDER BY
 * api_url`: UTF-8 bytes, which is Unicode code point order (`10, 9x, ZZ, __, aa, é, ～, 😀`), not
 * UTF-16 code units (which put 😀 before ～) and not a locale's.
 */
export function compareCodePoints(a: string, b: string): number {
  const [ca, cb] = [[...a], [...b]]
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!
    if (d !== 0) return d < 0 ? -1 : 1
  }

  return ca.length - cb.length < 0 ? -1 : ca.length === cb.length ? 0 : 1
}

// Names of the ASCII letters, digits, space, '_', '-' and '.' only, and how ICU's root collation
// (what localeCompare uses in every locale that doesn't tailor these) orders those characters:
// case aside, space < '_' < '-' < '.' < digits < letters, which code-unit order gets once the
// four are mapped below the digits in that order.
const SIMPLE_NAME = /^[A-Za-z0-9 ._-]*$/
const PUNCTUATION_RANK: Readonly<Record<string, string>> = {' ': '\u0001', _: '\u0002', '-': '\u0003', '.': '\u0004'}
const primaryKey = (name: string) => name.toLowerCase().replace(/[ ._-]/g, (c) => PUNCTUATION_RANK[c])

/**
 * Orders names as people read them, the way `localeCompare` does (a, b, C; not C, a, b), without
 * building ICU's collator for names of ASCII letters, digits, space, '_', '-' and '.': the first
 * `localeCompare` of a process builds it, a cost `auth list` would pay as soon as an environment
 * holds two profiles (bench/README.md). Any other name goes to `localeCompare` itself.
 */
export function compareNames(a: string, b: string): number {
  if (!SIMPLE_NAME.test(a) || !SIMPLE_NAME.test(b)) return a.localeCompare(b)
  const [ka, kb] = [primaryKey(a), primaryKey(b)]
  if (ka !== kb) return ka < kb ? -1 : 1
  // The same but for case: lowercase first, at the first place they differ (ICU's tertiary level).
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i] ? -1 : 1
  return 0
}

/**
 * An API key's redacted form, which also names auto-named profiles (docs/formats.md): for a
 * key longer than 12 characters its first 6, `****`, and its last 4 (the contract's format).
 * A shorter key shows at most 4 of its characters and never more than half: a quarter of its
 * length (rounded down, at most 2) from each end.
 */
export function redactKey(key: string): string {
  if (key.length > 12) return `${key.slice(0, 6)}****${key.slice(-4)}`
  const shown = Math.min(2, Math.floor(key.length / 4))
  return shown === 0 ? '****' : `${key.slice(0, shown)}****${key.slice(-shown)}`
}

/** The shortest run of a secret that is hidden wherever it appears (shorter runs match ordinary words). */
export const SHORTEST_SECRET_RUN = 8

// ASCII letters only: full Unicode lower-casing can change a string's length (U+0130), and then
// positions in the lower-cased text would not be the text's.
const asciiLower = (text: string) => text.replaceAll(/[A-Z]+/g, (upper) => upper.toLowerCase())

/**
 * `text` with every run of SHORTEST_SECRET_RUN or more characters of one of `secrets` hidden, in
 * any letter case and whatever surrounds it (a server echoing the key without its `llx-` prefix
 * inside a request id `req/…`, or upper-cased): a whole secret becomes its redacted form
 * (redactKey), a part of one `****`, which shows none of its characters. Linear in the text: each
 * position is looked up among the secrets' SHORTEST_SECRET_RUN-character pieces.
 */
export function hideSecretRuns(text: string, secrets: readonly string[]): string {
  const SHORTEST_KNOWN = SHORTEST_SECRET_RUN
  const pieces = new Set<string>()
  const wholes = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < SHORTEST_KNOWN) continue
    const lower = asciiLower(secret)
    wholes.add(lower)
    for (let i = 0; i + SHORTEST_KNOWN <= lower.length; i++) pieces.add(lower.slice(i, i + SHORTEST_KNOWN))
  }

  const lower = asciiLower(text)
  const covered = new Uint8Array(text.length)
  let any = false
  for (let i = 0; i + SHORTEST_KNOWN <= lower.length; i++)
    if (pieces.has(lower.slice(i, i + SHORTEST_KNOWN))) {
      covered.fill(1, i, i + SHORTEST_KNOWN)
      any = true
    }

  if (!any) return text
  let out = ''
  for (let i = 0; i < text.length;) {
    if (!covered[i]) {
      out += text[i++]
      continue
    }

    let end = i
    while (end < text.length && covered[end]) end++
    const run = text.slice(i, end)
    out += wholes.has(asciiLower(run)) ? redactKey(run) : '****'
    i = end
  }

  return out
}

/**
 * Whether text holds an API key's shape: the `llx-` prefix followed by 4 letters or digits, in
 * any case, anywhere (also glued to a flag: `-kllx-…`). A redacted form (`llx-ab****wxyz`) has
 * only 2 after the prefix, so it is not one.
 */
export function hasKeyShape(text: string): boolean {
  return /llx-[a-z\d]{4}/i.test(text)
}
