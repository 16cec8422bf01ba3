// No imports: the command_not_found hook loads this on every unknown command.

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

// The characters of a "word" in a message that could be a key: API keys and OIDC tokens are
// letters, digits, `-` and `_`. `*` is included so an already redacted form stays one word.
const WORD = /[\w*-]+/g

/**
 * Whether a word of a message looks like a secret: it carries the `llx-` prefix of API keys
 * (followed by at least 4 letters or digits, also when glued to a flag such as `-kllx-…`), or it
 * is 24+ characters mixing upper case, lower case and digits, as random keys and tokens do. Ids
 * that errors show on purpose don't: project ids, UUIDs and hex request ids (one letter case),
 * words and redacted forms (`llx-ab****wxyz`).
 */
export function looksLikeKey(word: string): boolean {
  if (word.includes('****')) return false
  if (/llx-[a-z\d]{4}/i.test(word)) return true
  return word.length >= 24 && /[a-z]/.test(word) && /[A-Z]/.test(word) && /\d/.test(word)
}

/**
 * A message with the `known` secrets (the keys and tokens in play, wherever they appear) and
 * every word that looks like a key (see looksLikeKey) replaced by their redacted forms.
 */
export function redactKeys(text: string, known: readonly string[] = []): string {
  let out = text
  // Longest first, so a secret containing another is replaced whole.
  for (const secret of [...known].filter((k) => k.length >= 8).sort((a, b) => b.length - a.length)) out = out.replaceAll(secret, redactKey(secret))
  return out.replaceAll(WORD, (word) => (looksLikeKey(word) ? redactKey(word) : word))
}
