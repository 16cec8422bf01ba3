/**
 * An API key's redacted form, which also names auto-named profiles (docs/formats.md): the first
 * 6 characters, `****`, and the last 4 (last 2 for keys of 10 characters or fewer).
 */
export function redactKey(key: string): string {
  return `${key.slice(0, 6)}****${key.slice(key.length <= 10 ? -2 : -4)}`
}
