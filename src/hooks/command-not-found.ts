import type {Hook, Interfaces} from '@oclif/core'

// Only these small modules (no imports of their own): this runs on every unknown command.
import {looksLikeKey, redactKey} from '../ui/redact.js'
import {editDistance as distance} from '../ui/suggest.js'
import {visible} from '../ui/terminal-text.js'

/** This package's name, to tell its own hook from other plugins' (package.json "name"). */
const PLUGIN = '@llamactl/plugin-auth'

/** The topics this package ships, whose unknown commands this hook answers inside a host. */
const OWN_TOPICS = new Set(['auth', 'completion', 'environments', 'organizations', 'projects'])

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

/** Whether this plugin is the whole CLI (its own bin/run.js), not a plugin inside a host llamactl. */
export function standalone(config: Interfaces.Config): boolean {
  return config.pjson.name === PLUGIN
}

/**
 * The one line for a command id that names no command: the typed words (the first unknown one
 * redacted when it looks like a key or is longer than any command word: people paste an API key
 * where a command belongs), and the closest command, or the help of the nearest topic. Every
 * suggestion comes from config.commandIDs, so new topics are suggested without a change here.
 */
export function unknownCommandLine(config: Interfaces.Config, id: string): string {
  const words = id.split(':').filter(Boolean)
  // `auth env tokn x y`: the known topic words, then the first unknown word; the rest are arguments.
  let known = 0
  while (known < words.length && config.findTopic(words.slice(0, known + 1).join(':'))) known++
  const typo = words[known] ?? ''
  const longestWord = Math.max(0, ...config.commandIDs.flatMap((c) => c.split(':').map((w) => w.length)))
  const shownTypo = looksLikeKey(typo) || typo.length > longestWord ? redactKey(typo) : typo
  let typedWords = [...words.slice(0, known), shownTypo]
  let suggestion: string | undefined
  if (typo === shownTypo) {
    // `authh list`: the typo and the next word may be one typo away from a command; else match the typo alone.
    const next = words[known + 1]
    const pair = next && !looksLikeKey(next) && next.length <= longestWord ? closest(config, [...typedWords, next]) : undefined
    if (pair) typedWords = [...typedWords, next]
    suggestion = pair ?? closest(config, typedWords)
  }

  const typed = typedWords.filter(Boolean).join(' ')

  const topic = words.slice(0, known).join(' ')
  const next = suggestion
    ? `Did you mean \`${config.bin} ${suggestion.replaceAll(':', ' ')}\`?`
    : `See \`${[config.bin, topic, '--help'].filter(Boolean).join(' ')}\``
  return `"${config.bin} ${typed}" is not a ${config.bin} command. ${next}`
}

/**
 * The line for an id that is a command followed by words (`auth:list:extra`): oclif's router
 * reads the words after a command without arguments as part of its name. They are arguments
 * that command doesn't take: the parse error it would give, key-like words redacted. Undefined
 * when no leading part of the id is a command.
 */
export function unexpectedArgumentsLine(config: Interfaces.Config, id: string): string | undefined {
  const words = id.split(':').filter(Boolean)
  for (let n = words.length - 1; n > 0; n--) {
    const command = words.slice(0, n).join(':')
    if (!config.findCommand(command)) continue
    const extra = words.slice(n).map((word) => (looksLikeKey(word) || word.length > 12 ? redactKey(word) : word))
    return `Unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}. See \`${config.bin} ${command.replaceAll(':', ' ')} --help\``
  }

  return undefined
}

/**
 * oclif's "command not found", without echoing what was typed (see unknownCommandLine): one line
 * on stderr (a `--json` error document on stdout with `--json`), exit 2. Standalone this plugin is
 * the whole CLI and answers every id; inside a host it answers ids under its own topics (`auth:`, `projects:`, …) and leaves the
 * rest to the host (other plugins' hooks, or oclif's own message).
 */
const hook: Hook<'command_not_found'> = async function (options) {
  const {argv, config, id} = options
  if (!OWN_TOPICS.has(id.split(':')[0]) && !standalone(config)) {
    const message = `command ${id} not found`
    // A hook that returns counts as having handled the command, so step aside by failing: with
    // no other hook this is oclif's own error (exit 2); otherwise it must not stop theirs.
    const othersHook = [...config.plugins.values()].some((p) => p.name !== PLUGIN && (p.hooks?.command_not_found?.length ?? 0) > 0)
    throw Object.assign(new Error(message), {bang: '›', ...(othersHook ? {} : {oclif: {exit: 2}})})
  }

  const line = unexpectedArgumentsLine(config, id) ?? unknownCommandLine(config, id)
  if (argv?.includes('--json')) process.stdout.write(`${JSON.stringify({error: {code: 'usage', message: line}}, null, 2)}\n`)
  process.stderr.write(`Error: ${visible(line)}\n`)
  this.exit(2)
}

export default hook
