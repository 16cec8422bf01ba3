import type {Hook, Interfaces} from '@oclif/core'

// Only these two small modules (no imports of their own): this runs on every unknown command.
import {looksLikeKey, redactKey} from '../ui/redact.js'
import {visible} from '../ui/terminal-text.js'

/** This package's name, to tell its own hook from other plugins' (package.json "name"). */
const PLUGIN = '@llamactl/plugin-auth'

/** The topics this package ships, whose unknown commands this hook answers. */
const OWN_TOPICS = new Set(['auth', 'environments', 'organizations', 'projects'])

/** The longest word a command or topic has; anything longer typed as one is shown redacted. */
const LONGEST_WORD = 12

/** Edit distance between two short strings (command ids), for "Did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }

  return row[b.length]
}

/** The known command or topic closest to `typed` (same number of words), when it is a plausible typo. */
function closest(config: Interfaces.Config, typed: string[]): string | undefined {
  const depth = typed.length
  const candidates = new Set(
    config.commandIDs
      .map((id) => id.split(':'))
      .filter((words) => words.length >= depth)
      .map((words) => words.slice(0, depth).join(':')),
  )
  const wanted = typed.join(':')
  let best: {d: number; id: string} | undefined
  for (const id of candidates) {
    const d = distance(wanted, id)
    if (!best || d < best.d) best = {d, id}
  }

  return best && best.d <= 2 ? best.id : undefined
}

/**
 * oclif's "command not found", for ids under this package's topics (`auth:`, `projects:`, …) without echoing what was typed: people
 * paste an API key where a command belongs (`auth llx-…`, `auth tokn llx-…`), and oclif would
 * print it whole. One line on stderr (a `--json` error document on stdout with `--json`), the
 * closest command suggested, exit 2. Other ids are left to other plugins' hooks, or get oclif's
 * own message.
 */
const hook: Hook<'command_not_found'> = async function (options) {
  const {argv, config, id} = options
  const words = id.split(':')
  if (!OWN_TOPICS.has(words[0])) {
    const message = `command ${id} not found`
    // A hook that returns counts as having handled the command, so step aside by failing: with
    // no other hook this is oclif's own error (exit 2); otherwise it must not stop theirs.
    const othersHook = [...config.plugins.values()].some((p) => p.name !== PLUGIN && (p.hooks?.command_not_found?.length ?? 0) > 0)
    throw Object.assign(new Error(message), {bang: '›', ...(othersHook ? {} : {oclif: {exit: 2}})})
  }

  // `auth env tokn x y`: the known topic words, then the first unknown word; the rest are arguments.
  let known = 1
  while (known < words.length && config.findTopic(words.slice(0, known + 1).join(':'))) known++
  const typo = words[known] ?? ''
  const shownTypo = looksLikeKey(typo) || typo.length > LONGEST_WORD ? redactKey(typo) : typo
  const typed = [...words.slice(0, known), shownTypo].filter(Boolean).join(' ')
  const suggestion = typo === shownTypo ? closest(config, [...words.slice(0, known), typo]) : undefined
  const topic = words.slice(0, known).join(' ')
  const next = suggestion ? `Did you mean \`${config.bin} ${suggestion.replaceAll(':', ' ')}\`?` : `See \`${config.bin} ${topic} --help\``
  const line = `"${config.bin} ${typed}" is not a ${config.bin} command. ${next}`
  if (argv?.includes('--json')) process.stdout.write(`${JSON.stringify({error: {code: 'usage', message: line}}, null, 2)}\n`)
  process.stderr.write(`Error: ${visible(line)}\n`)
  this.exit(2)
}

export default hook
