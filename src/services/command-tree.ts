import {mkdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'

/**
 * What a TAB needs of the CLI's commands, written from a loaded oclif Config (plugin-autocomplete's
 * model): oclif itself finds the root, core, user and linked plugins; the completer never
 * re-implements that. The file records the size and time of every file that decides the tree
 * (the root's and each plugin's package.json and manifest, the data dir's plugin list), so a TAB
 * that finds one changed (`plugins install`, `link`, `update`, an upgrade) has it made again.
 */

/** A flag of a command, as oclif describes it. */
export interface FlagSpec {
  aliases: string[]
  allowNo: boolean
  char?: string
  multiple: boolean
  name: string
  options?: string[]
  summary?: string
  takesValue: boolean
}

/** A command (or an alias of one) with its positional arguments and flags. */
export interface CommandSpec {
  args: Array<{name: string; options?: string[]}>
  /** The id it was declared with, when this entry is an alias. */
  canonical: string
  flags: FlagSpec[]
  id: string
  summary?: string
}

export interface CommandTree {
  commands: Map<string, CommandSpec>
  /** Topic descriptions by id (`auth:env`). */
  topics: Map<string, string>
}

/** What of a loaded oclif Config the tree is made from (oclif's Config has it all). */
export interface LoadedConfig {
  cacheDir: string
  commands: readonly object[]
  dataDir: string
  plugins: ReadonlyMap<string, {root: string}>
  root: string
  topics: ReadonlyArray<{description?: string; hidden?: boolean; name: string}>
}

export const COMMAND_TREE_FILE = 'completion-commands.json'
const FORMAT = 1

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const firstLine = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.split('\n')[0] : undefined)
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

/**
 * The values a flag names in its help value (`text|wide|json|yaml`) when it lists no `options`
 * (`-o` parses any case, so oclif can't check them for it).
 */
const choicesOf = (helpValue: unknown): string[] | undefined =>
  typeof helpValue === 'string' && /^[\w.-]+(\|[\w.-]+)+$/.test(helpValue) ? helpValue.split('|') : undefined

function flagSpec(name: string, raw: Json): FlagSpec {
  return {
    aliases: strings(raw.aliases),
    allowNo: raw.allowNo === true,
    char: typeof raw.char === 'string' && raw.char !== '' ? raw.char : undefined,
    multiple: raw.multiple === true,
    name,
    options: Array.isArray(raw.options) ? strings(raw.options) : choicesOf(raw.helpValue),
    summary: firstLine(raw.summary) ?? firstLine(raw.description),
    takesValue: raw.type === 'option',
  }
}

function commandSpec(id: string, raw: Json): CommandSpec {
  return {
    args: isObject(raw.args)
      ? Object.entries(raw.args).map(([name, arg]) => ({name, options: isObject(arg) && Array.isArray(arg.options) ? strings(arg.options) : undefined}))
      : [],
    canonical: id,
    flags: isObject(raw.flags)
      ? Object.entries(raw.flags)
          .filter(([, flag]) => isObject(flag) && flag.hidden !== true)
          .map(([name, flag]) => flagSpec(name, flag as Json))
      : [],
    id,
    summary: firstLine(raw.summary) ?? firstLine(raw.description),
  }
}

/** Every visible command (and visible alias) and topic of a loaded Config. */
export function commandTreeOf(config: LoadedConfig): CommandTree {
  const tree: CommandTree = {commands: new Map(), topics: new Map()}
  for (const topic of config.topics) {
    const description = topic.hidden ? undefined : firstLine(topic.description)
    if (description && !tree.topics.has(topic.name)) tree.topics.set(topic.name, description)
  }

  for (const raw of config.commands as Json[]) {
    if (typeof raw.id !== 'string' || raw.hidden === true || tree.commands.has(raw.id)) continue
    const spec = commandSpec(raw.id, raw)
    tree.commands.set(raw.id, spec)
    const hiddenAliases = new Set(strings(raw.hiddenAliases))
    for (const alias of strings(raw.aliases)) if (!hiddenAliases.has(alias) && !tree.commands.has(alias)) tree.commands.set(alias, {...spec, id: alias})
  }

  return tree
}

/** A file's size and modification time, or null when there is none. */
function stampOf(file: string): null | string {
  try {
    const stat = statSync(file)
    return `${stat.size}:${stat.mtimeMs}:${stat.ino}`
  } catch {
    return null
  }
}

/** The files whose change changes the tree: package.json and manifest of the root and each plugin, and the data dir's plugin list. */
function decidingFiles(config: LoadedConfig): string[] {
  const roots = [config.root, ...[...config.plugins.values()].map((plugin) => plugin.root)]
  const files = roots.flatMap((root) => [path.join(root, 'package.json'), path.join(root, 'oclif.manifest.json')])
  return [...new Set([...files, path.join(config.dataDir, 'package.json')])]
}

/**
 * Writes the tree of a loaded Config for the TABs (to `cacheDir`, default the Config's), for the
 * root the completion scripts name (default the Config's). Best effort: a TAB can make it again.
 */
export function writeCommandTree(config: LoadedConfig, cacheDir = config.cacheDir, root = config.root): CommandTree {
  const tree = commandTreeOf(config)
  try {
    const file = path.join(cacheDir, COMMAND_TREE_FILE)
    const document = {
      commands: [...tree.commands.values()],
      format: FORMAT,
      root,
      stamps: Object.fromEntries(decidingFiles(config).map((f) => [f, stampOf(f)])),
      topics: [...tree.topics],
    }
    mkdirSync(cacheDir, {mode: 0o700, recursive: true})
    const temp = `${file}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify(document), {mode: 0o600})
    renameSync(temp, file)
  } catch {
    // No cache dir: the next TAB loads the Config itself.
  }

  return tree
}

/** The tree written for the CLI at `root`, when every file that decides it is as it was; else undefined. */
export function readCommandTree(cacheDir: string, root: string): CommandTree | undefined {
  let doc: {commands?: CommandSpec[]; format?: number; root?: string; stamps?: Record<string, null | string>; topics?: Array<[string, string]>}
  try {
    doc = JSON.parse(readFileSync(path.join(cacheDir, COMMAND_TREE_FILE), 'utf8'))
  } catch {
    return undefined
  }

  if (doc?.format !== FORMAT || doc.root !== root || !isObject(doc.stamps) || !Array.isArray(doc.commands) || !Array.isArray(doc.topics)) return undefined
  for (const [file, stamp] of Object.entries(doc.stamps)) if (stampOf(file) !== stamp) return undefined
  return {commands: new Map(doc.commands.map((c) => [c.id, c])), topics: new Map(doc.topics)}
}
