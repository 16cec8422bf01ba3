import type {Interfaces} from '@oclif/core'

import {redactKey} from './ui/redact.js'
import {closestFlag} from './ui/suggest.js'
import {visible} from './ui/terminal-text.js'

/**
 * The Python llamactl 0.10.3's top-level command words (`llamactl --help`), whose unique
 * prefixes its root group accepts (llama_agents/cli/commands/aliased_group.py, click's
 * AliasedGroup: `env` → environments, `conf` → config; `p` is pkg or projects, "Too many
 * matches"). Kept whole, so that a prefix means here what it means there even for the words
 * this CLI doesn't have. Only the top level: its subgroups (auth, environments, …) are plain
 * click groups that take whole words.
 */
export const PYTHON_ROOT_WORDS = [
  'agentcore',
  'auth',
  'completion',
  'config',
  'deployments',
  'dev',
  'environments',
  'init',
  'organizations',
  'pkg',
  'projects',
  'serve',
] as const

/** The flags a click group of the Python llamactl takes between its name and a subcommand (its global_options), moved after the subcommand here. */
const GROUP_FLAGS = new Set(['--native-tls'])
const HELP_FLAGS = new Set(['--help', '-h', '--version'])

/** What routeArgv decided: the argv oclif routes, or a usage error line (exit 2). */
export type Routed = {argv: string[]} | {error: string}

type RoutingConfig = Pick<Interfaces.Config, 'bin' | 'commandIDs' | 'findCommand' | 'findTopic'>

/** The top-level word `word` stands for: itself when it names one, else the one Python word it is a unique prefix of, when this CLI has it. */
function resolveRootWord(config: RoutingConfig, word: string): {matches?: string[]; word: string} {
  if (config.findCommand(word) || config.findTopic(word)) return {word}
  const ours = new Set(config.commandIDs.map((id) => id.split(':')[0]))
  const matches = [...new Set([...PYTHON_ROOT_WORDS, ...ours])].filter((w) => w.startsWith(word)).sort()
  if (matches.length === 1 && ours.has(matches[0])) return {word: matches[0]}
  return {matches: matches.length > 1 ? matches : undefined, word}
}

/** A flag as typed, for an error line: its value left out (it may be a pasted key), control characters made visible. */
function shownFlag(flag: string): string {
  const name = flag.replace(/=.*$/, '=…')
  return visible(name.length > 40 ? redactKey(name) : name)
}

/**
 * Where the Python llamactl's click routing and oclif's differ, the argv rewritten so oclif runs
 * what Python runs (standalone only: bin/run.js calls this before oclif routes; a host routes its
 * own way):
 * - a unique prefix of a top-level word is that word (`env use URL`, `proj get`, `conf`);
 * - `--native-tls` between a group and its subcommand (`auth --native-tls get`), or before the
 *   first word, moves after the command's words, where oclif reads it;
 * - any other flag there, or a group left without its subcommand after such a flag, is a usage
 *   error, as in Python: oclif would print the group's help and exit 0 having done nothing.
 * Everything else passes unchanged (help, --version, unknown words: the not-found hook's).
 */
export function routeArgv(config: RoutingConfig, argv: readonly string[]): Routed {
  const words: string[] = []
  const moved: string[] = []
  let i = 0
  const id = () => words.join(':')
  for (; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--' || HELP_FLAGS.has(arg)) break
    if (arg.startsWith('-')) {
      if (GROUP_FLAGS.has(arg)) {
        moved.push(arg)
        continue
      }

      // A flag of the command itself (`config -o json`), or one oclif reports (`--bogus` first).
      if (words.length === 0 || config.findCommand(id())) break
      const group = `${config.bin} ${words.join(' ')}`
      const meant = closestFlag(arg, [...GROUP_FLAGS])
      return {error: `No such option for \`${group}\`: ${shownFlag(arg)}. ${meant ? `Did you mean ${meant}? ` : ''}See \`${group} --help\``}
    }

    if (words.length === 0) {
      const root = resolveRootWord(config, arg)
      if (root.matches)
        return {error: `"${config.bin} ${visible(arg)}" matches more than one command: ${root.matches.join(', ')}. See \`${config.bin} --help\``}
      words.push(root.word)
      continue
    }

    const longer = [...words, arg].join(':')
    // A word that makes no command or topic is the command's argument (or the not-found hook's).
    if (!(config.findCommand(longer) || config.findTopic(longer))) break
    words.push(arg)
  }

  const rest = argv.slice(i)
  if (config.findCommand(id())) return {argv: [...words, ...moved, ...rest]}
  if (moved.length > 0 && rest.length === 0) {
    const group = [config.bin, ...words].join(' ')
    return {error: `Missing a command after \`${group}\`. See \`${group} --help\``}
  }

  return {argv: [...words, ...rest, ...moved]}
}
