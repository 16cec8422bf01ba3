/**
 * For in-process command tests that change what the command reads of this process: the named
 * variables and whether stdin and stdout look like terminals. `save()` in a beforeEach notes
 * them, `restore()` in the afterEach puts them back (a variable that was unset is deleted).
 */
export function processState(names: readonly string[]): {restore(): void; save(): void} {
  const saved: Record<string, string | undefined> = {}
  const terminals = {stdin: process.stdin.isTTY, stdout: process.stdout.isTTY}
  return {
    restore() {
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      process.stdin.isTTY = terminals.stdin
      process.stdout.isTTY = terminals.stdout
    },
    save() {
      for (const name of names) saved[name] = process.env[name]
    },
  }
}
