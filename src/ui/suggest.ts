/** Edit distance between two short strings (command words, flag names), for "Did you mean". */
export function editDistance(a: string, b: string): number {
  let row = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }

  return row[b.length]
}

/**
 * The flag a mistyped one most likely meant (`--project` → `--project-id`, `--profle` →
 * `--profile`): the only flag it is a prefix of, else the nearest within two edits; undefined
 * when nothing is that close. `typed` and `flags` are names with their dashes.
 */
export function closestFlag(typed: string, flags: readonly string[]): string | undefined {
  const name = typed.replace(/=.*$/, '')
  if (!name.startsWith('--') || name.length < 4) return undefined
  const extending = flags.filter((flag) => flag.startsWith(name))
  if (extending.length === 1) return extending[0]
  let best: {d: number; flag: string} | undefined
  for (const flag of flags) {
    const d = editDistance(name, flag)
    if (!best || d < best.d) best = {d, flag}
  }

  return best && best.d <= 2 ? best.flag : undefined
}
