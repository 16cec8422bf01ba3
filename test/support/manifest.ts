/** The topics the manifest's commands make: every prefix of a command id (`auth`, `auth:env`). */
export function topicsOf(commands: ReadonlyArray<{id: string}>): Set<string> {
  return new Set(
    commands.flatMap((c) =>
      c.id
        .split(':')
        .slice(0, -1)
        .map((_, i, all) => all.slice(0, i + 1).join(':')),
    ),
  )
}
