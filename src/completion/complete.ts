import {readFileSync, realpathSync, writeSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {DEFAULT_API_URL} from '../model.js'
import {type CommandSpec, type CommandTree, type FlagSpec, readCommandTree} from '../services/command-tree.js'
import {EnvironmentStore} from '../stores/environment-store.js'
import {ProfileStore} from '../stores/profile-store.js'
import {StateStore} from '../stores/state-store.js'
import {powershellArgument} from '../ui/powershell-quote.js'
import {bashReplacement, splitBashLine} from './shell-words.js'
import {type Candidate, offerable} from './candidates.js'

export type {Candidate} from './candidates.js'

/**
 * The completer behind the shell scripts of `completion generate`, run by the shell at each TAB:
 *   node complete.js ROOT bash LINE WORDBREAKS     (the line up to the cursor; bash's own words split URLs)
 *   node complete.js ROOT zsh|fish -- WORD... CURRENT
 *   node complete.js ROOT powershell -- :CURRENT WORD...   (answers: INSERT TAB VALUE TAB DESCRIPTION)
 * It prints one completion per line (bash: the text readline inserts; the others: value TAB
 * description) and nothing else: no error ever reaches the prompt, and a server-backed completion
 * that takes longer than 2 s ends with nothing.
 *
 * Commands, topics and flags come from the command tree written from oclif's loaded Config
 * (services/command-tree.ts; oclif itself is loaded only when that is stale); profile names and
 * environment URLs from the config file, read by the commands' own stores; project and
 * organization ids from the control plane (server-values.ts, loaded only for them). The bundle
 * makes this one CommonJS file with only node: requires, so a TAB costs little more than Node.
 */

// ---- Shell words: shell-words.ts

export {bashReplacement, DEFAULT_WORDBREAKS, type LineWords, splitBashLine} from './shell-words.js'

// ---- The commands: services/command-tree.ts, written from oclif's loaded Config

export type {CommandSpec, CommandTree, FlagSpec} from '../services/command-tree.js'

/** oclif's own layout of the user's cache and config dirs: its variable, XDG, else ~/.cache and ~/.config (LOCALAPPDATA on Windows). */
export function oclifDir(category: 'cache' | 'config', bin: string, dirname: string, env: NodeJS.ProcessEnv, home: string): string {
  const scoped = env[`${bin.replaceAll('@', '').replaceAll(/[/-]/g, '_')}_${category}_DIR`.toUpperCase()]
  if (scoped) return scoped.replace(/^~(?=$|[/\\])/, home)
  const base =
    env[`XDG_${category.toUpperCase()}_HOME`] ||
    (process.platform === 'win32' && env.LOCALAPPDATA) ||
    (category === 'cache' && process.platform === 'darwin' ? path.join(home, 'Library', 'Caches') : undefined) ||
    path.join(home, `.${category}`)
  return path.join(base, dirname)
}

/**
 * The commands of the CLI at `root`: the tree written from its loaded oclif Config (by `completion
 * install`/`generate`, or by an earlier TAB), else the Config loaded now and the tree written again.
 */
async function commandTree(root: string, cacheDir: string): Promise<CommandTree> {
  return readCommandTree(cacheDir, root) ?? (await import('./load-config.js')).loadCommandTree(root, cacheDir)
}

// ---- Values

/** What kind of value an argument or flag takes. */
export type ValueKind = 'environment' | 'org' | 'profile' | 'project'

/**
 * The first argument of these commands (typed id, or the id it is an alias of) names a value of
 * this kind. Ids of commands that don't exist in a given CLI are simply never reached.
 */
export const ARGUMENT_VALUES: Readonly<Record<string, ValueKind>> = {
  'auth:env:delete': 'environment',
  'auth:env:switch': 'environment',
  'auth:env:use': 'environment',
  'auth:get': 'profile',
  'auth:logout': 'profile',
  'auth:project': 'project',
  'auth:switch': 'profile',
  'auth:use': 'profile',
  'environments:delete': 'environment',
  'environments:get': 'environment',
  'environments:use': 'environment',
  'projects:get': 'project',
  'projects:use': 'project',
}

/** Flags that name a value of a kind, in every command that has them. */
export const FLAG_VALUES: Readonly<Record<string, ValueKind>> = {
  org: 'org',
  profile: 'profile',
  project: 'project',
  'project-id': 'project',
}

/** `--name` names an existing profile (to sign in again as it) in these commands. */
const NAME_IS_PROFILE = new Set(['auth:login', 'auth:logout', 'auth:token', 'auth:get', 'auth:use', 'auth:switch'])

/** The kind of the command's positional argument `index`, if it names one. */
export function argumentKind(command: CommandSpec, index: number): undefined | ValueKind {
  if (index !== 0 || command.args.length === 0) return undefined
  return ARGUMENT_VALUES[command.id] ?? ARGUMENT_VALUES[command.canonical]
}

/** The kind of value a flag (by its declared name) takes in a command, if it names one. */
export function flagKind(command: CommandSpec, flag: string): undefined | ValueKind {
  if (flag === 'name') return NAME_IS_PROFILE.has(command.id) || NAME_IS_PROFILE.has(command.canonical) ? 'profile' : undefined
  return FLAG_VALUES[flag]
}

/** Profile names of the current environment (in the commands' order), or environment URLs, from the config file. */
export async function localValues(kind: 'environment' | 'profile', configDir: string): Promise<Candidate[]> {
  const state = new StateStore(configDir)
  try {
    if (kind === 'environment') {
      const {environments} = await new EnvironmentStore(state).list()
      return [...new Set([DEFAULT_API_URL, ...environments.map((env) => env.apiUrl)])].filter((url) => offerable(url)).map((value) => ({value}))
    }

    const env = await new EnvironmentStore(state).current()
    if (!env) return []
    return (await new ProfileStore(state).list(env.apiUrl))
      .filter((p) => offerable(p.name))
      .map((p) => ({description: p.name === env.currentProfile ? 'current' : p.authType, value: p.name}))
  } catch {
    return []
  }
}

// ---- Completing

export interface CompletionContext {
  env: NodeJS.ProcessEnv
  home: string
  /** The CLI's root directory (its package.json and manifest). */
  root: string
  /** Bound of a server-backed completion (the process also stops itself at this bound). */
  timeoutMs?: number
}

type Directories = {bin: string; cacheDir: string; configDir: string}
/** Per context, read once: a TAB asks for them from several places (the tree, values, click's protocol). */
const directoriesOf = new WeakMap<CompletionContext, Directories>()

/** Where the CLI keeps things, as oclif computes it from the root's package.json and the environment. */
export function directories(ctx: CompletionContext): Directories {
  let found = directoriesOf.get(ctx)
  if (!found) directoriesOf.set(ctx, (found = readDirectories(ctx)))
  return found
}

function readDirectories(ctx: CompletionContext): Directories {
  let pjson: {name?: string; oclif?: {bin?: string; dirname?: string}} = {}
  try {
    pjson = JSON.parse(readFileSync(path.join(ctx.root, 'package.json'), 'utf8'))
  } catch {
    // No package.json: oclif's defaults.
  }

  const bin = pjson.oclif?.bin ?? pjson.name ?? 'llamactl'
  const dirname = pjson.oclif?.dirname ?? pjson.name ?? bin
  const dir = (category: 'cache' | 'config') => oclifDir(category, bin, dirname, ctx.env, ctx.home)
  return {bin, cacheDir: dir('cache'), configDir: dir('config')}
}

/** The next word of command ids that start with `prefix` (topics and commands), with descriptions. */
function children(tree: CommandTree, prefix: string[]): Candidate[] {
  const found = new Map<string, string | undefined>()
  for (const [id, spec] of tree.commands) {
    const parts = id.split(':')
    if (parts.length <= prefix.length || !prefix.every((word, i) => parts[i] === word)) continue
    const next = parts[prefix.length]
    const description = tree.topics.get(parts.slice(0, prefix.length + 1).join(':')) ?? (parts.length === prefix.length + 1 ? spec.summary : undefined)
    if (!found.has(next) || (found.get(next) === undefined && description)) found.set(next, description)
  }

  return [...found].map(([value, description]) => ({description, value}))
}

/** The flag a word names (`--name`, `--no-name`, an alias, `-c`), if the command has it. */
function flagOf(command: CommandSpec, word: string): FlagSpec | undefined {
  if (word.startsWith('--')) {
    const name = word.slice(2).split('=')[0]
    return command.flags.find((f) => f.name === name || f.aliases.includes(name) || (f.allowNo && `no-${f.name}` === name))
  }

  return word.length >= 2 ? command.flags.find((f) => f.char === word[1]) : undefined
}

interface LineState {
  /** The flag whose value the current word is (after `--flag` or `-c`). */
  pendingFlag?: FlagSpec
  /** Positional arguments before the current word. */
  positional: number
  used: Set<string>
  /** Values given on the line to flags that matter to server completions. */
  values: Map<string, string>
}

/** Reads the words after the command: which flags are used, how many arguments came, what the current word is for. */
function scan(command: CommandSpec, words: string[]): LineState {
  const state: LineState = {positional: 0, used: new Set(), values: new Map()}
  for (let i = 0; i < words.length; i++) {
    const word = words[i]
    if (word === '--') {
      state.positional += words.length - i - 1
      break
    }

    const flag = word.startsWith('-') && word.length > 1 ? flagOf(command, word) : undefined
    if (!flag) {
      if (!word.startsWith('-')) state.positional++
      continue
    }

    state.used.add(flag.name)
    if (!flag.takesValue) continue
    const inline = word.startsWith('--') ? word.indexOf('=') : word.length > 2 ? 1 : -1
    if (inline >= 0) state.values.set(flag.name, word.slice(inline + 1))
    else if (i + 1 < words.length) state.values.set(flag.name, words[++i])
    else state.pendingFlag = flag
  }

  return state
}

function flagCandidates(command: CommandSpec, state: LineState): Candidate[] {
  const out: Candidate[] = []
  for (const flag of command.flags) {
    if (state.used.has(flag.name) && !flag.multiple) continue
    out.push({description: flag.summary, value: `--${flag.name}`})
    if (flag.allowNo) out.push({description: flag.summary, value: `--no-${flag.name}`})
  }

  // oclif answers --help for every command without declaring it.
  if (!command.flags.some((f) => f.name === 'help')) out.push({description: 'Show help', value: '--help'})
  return out
}

/** Values of a kind: local ones from the config file, ids from the control plane. */
async function values(kind: ValueKind, ctx: CompletionContext, state: LineState): Promise<Candidate[]> {
  const dirs = directories(ctx)
  if (kind === 'environment' || kind === 'profile') return localValues(kind, dirs.configDir)
  const {serverValues} = await import('./server-values.js')
  return serverValues({
    cacheDir: dirs.cacheDir,
    configDir: dirs.configDir,
    env: ctx.env,
    kind,
    org: state.values.get('org'),
    profile: state.values.get('profile'),
    timeoutMs: ctx.timeoutMs ?? 2000,
  })
}

async function flagValues(command: CommandSpec, flag: FlagSpec, ctx: CompletionContext, state: LineState): Promise<Candidate[]> {
  const kind = flagKind(command, flag.name)
  if (kind) return values(kind, ctx, state)
  return (flag.options ?? []).map((value) => ({value}))
}

/**
 * Completions for the current word (`current`, quotes removed) after `words` (the words typed
 * after the CLI's name): each a value for the whole current word, starting with it.
 */
export async function complete(words: string[], current: string, ctx: CompletionContext): Promise<Candidate[]> {
  const {bin, cacheDir} = directories(ctx)
  const tree = await commandTree(ctx.root, cacheDir)
  // Summaries may hold help templates (plugin-help's "Display help for <%= config.bin %>.").
  const render = (description: string | undefined) => description?.replaceAll(/<%=\s*config\.bin\s*%>/g, bin).replaceAll(/<%[\s\S]*?%>/g, '')
  const startsWithCurrent = (list: Candidate[]) => list.filter((c) => c.value.startsWith(current)).map((c) => ({...c, description: render(c.description)}))

  let depth = 0
  for (let k = words.length; k > 0; k--) {
    if (tree.commands.has(words.slice(0, k).join(':')) && !words.slice(0, k).some((w) => w.startsWith('-'))) {
      depth = k
      break
    }
  }

  if (depth === 0) return current.startsWith('-') ? [] : startsWithCurrent(children(tree, words))

  const command = tree.commands.get(words.slice(0, depth).join(':')) as CommandSpec
  const state = scan(command, words.slice(depth))
  if (state.pendingFlag) return startsWithCurrent(await flagValues(command, state.pendingFlag, ctx, state))
  const inline = /^(--[^=]+)=/.exec(current)
  if (inline) {
    const flag = flagOf(command, inline[1])
    if (!flag?.takesValue) return []
    const list = await flagValues(command, flag, ctx, state)
    return startsWithCurrent(list.map((c) => ({...c, value: `${inline[0]}${c.value}`})))
  }

  if (current.startsWith('-')) return startsWithCurrent(flagCandidates(command, state))
  const found: Candidate[] = state.positional === 0 ? children(tree, words.slice(0, depth)) : []
  const arg = command.args[state.positional]
  if (arg) {
    const kind = argumentKind(command, state.positional)
    if (kind) found.push(...(await values(kind, ctx, state)))
    else if (arg.options) found.push(...arg.options.map((value) => ({value})))
  }

  // Nothing else to offer here: the flags are what can come next.
  return startsWithCurrent(found.length > 0 || arg ? found : flagCandidates(command, state))
}

// ---- The process

const BOUND_MS = 2000

async function main(argv: string[]): Promise<string[]> {
  const [root, shell, ...rest] = argv
  const ctx = {env: process.env, home: os.homedir(), root, timeoutMs: BOUND_MS - 100}
  if (shell === 'bash') {
    const line = splitBashLine(rest[0] ?? '', rest[1] || undefined)
    const candidates = await complete(line.words.slice(1), line.current, ctx)
    return candidates.map((c) => bashReplacement(c.value, line))
  }

  let words = rest[0] === '--' ? rest.slice(1) : rest
  let current: string
  if (shell === 'powershell') {
    // Windows PowerShell drops an empty argument to a native program: the current word comes
    // first, behind a ':' that keeps it non-empty.
    current = (words[0] ?? ':').slice(1)
    words = words.slice(1)
  } else {
    // fish hands over the current token as typed: its quotes and escapes are removed the same way.
    current = shell === 'fish' ? splitBashLine(words.at(-1) ?? '', '').current : (words.at(-1) ?? '')
    words = words.slice(0, -1)
  }

  return answerLines(shell as 'fish' | 'powershell' | 'zsh', await complete(words, current, ctx))
}

/**
 * The lines a script reads: zsh and fish, the value and its description (the shell quotes what
 * it inserts); PowerShell, the text to insert (quoted by PowerShell's rules), the value to list
 * and the description.
 */
export function answerLines(shell: 'fish' | 'powershell' | 'zsh', candidates: Candidate[]): string[] {
  if (shell === 'powershell') return candidates.map((c) => `${powershellArgument(c.value)}\t${c.value}\t${c.description ?? ''}`)
  return candidates.map((c) => (c.description ? `${c.value}\t${c.description}` : c.value))
}

/**
 * Writes `text` to stdout with write(2) and no stream: process.stdout on a pipe (what a shell
 * reads completions from) is a net.Socket, and building it loads some thirty internal modules, a
 * tenth of a TAB. A full non-blocking pipe (EAGAIN) is retried until `deadline`; any other error
 * (the shell went away: EPIPE) ends the write.
 */
export function writeOut(text: string, deadline: number, fd = 1): void {
  const bytes = Buffer.from(text)
  for (let offset = 0; offset < bytes.length && Date.now() < deadline;) {
    try {
      offset += writeSync(fd, bytes, offset)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return
    }
  }
}

/**
 * Runs `answer` as the process a shell started: prints its lines, then exits 0 whatever happens,
 * within the bound (no error ever reaches the prompt).
 */
function runBounded(answer: () => Promise<string[]>): void {
  const deadline = Date.now() + BOUND_MS
  process.removeAllListeners('warning')
  const quit = () => process.exit(0)
  process.on('uncaughtException', quit)
  process.on('unhandledRejection', quit)
  setTimeout(quit, BOUND_MS).unref()
  answer().then((lines) => {
    // Exiting at once skips idle keep-alive sockets of a server lookup.
    if (lines.length > 0) writeOut(`${lines.join('\n')}\n`, deadline)
    quit()
  }, quit)
}

/** Runs the completer as the process the shell started: prints the completions, then exits 0, whatever happens. */
export function run(argv: string[]): void {
  runBounded(() => main(argv))
}

/**
 * Answers a completion script of the Python llamactl, which calls `llamactl` itself with
 * `_LLAMACTL_COMPLETE` set (click's protocol, click-protocol.ts), from `bin/run.js` before oclif
 * loads; the CLI's root is the one this file is part of.
 */
export function answerClick(instruction: string): void {
  runBounded(async () => {
    const {clickAnswer} = await import('./click-protocol.js')
    const ctx = {env: process.env, home: os.homedir(), root: fileURLToPath(new URL('../..', import.meta.url)), timeoutMs: BOUND_MS - 100}
    return clickAnswer(instruction, process.env, {bin: directories(ctx).bin, root: ctx.root}, (words, current) => complete(words, current, ctx))
  })
}

// Run as a program (not imported by a test): Node loads the main module by its real path.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) run(process.argv.slice(2))
