#!/usr/bin/env node
// Man pages from the same metadata as `--help` and docs/commands.md: oclif.manifest.json (built from the
// commands' static properties) and the topics in package.json. Each page is written as ronn-style
// markdown and converted to roff by marked-man, so no roff is written by hand here.
//
//   node scripts/gen-man.mjs [--out man] [--markdown]
//
// Writes one page per command (llamactl-auth-token.1, ...) and one per topic (llamactl-auth.1,
// llamactl-auth-env.1). Plain JS so it runs without a build step; it needs the manifest
// (`npx oclif manifest`) to exist.
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {Marked} from 'marked'
import markedMan from 'marked-man'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Environment variables every page documents (what the plugin reads; see docs/formats.md). */
const ENVIRONMENT = [
  ['LLAMACTL_CONFIG_DIR', 'The config directory, instead of `$XDG_CONFIG_HOME/llamactl` (or `~/.config/llamactl`).'],
  [
    'LLAMACTL_SECRET_STORE',
    'Where secrets go. Unset or `auto`: the OS keychain through keytar, falling back to the secrets file (with a one-line warning) when no keychain can be used. `keychain`: a missing keychain is an error. `file`: always the secrets file, never the keychain.',
  ],
  ['LLAMACTL_KEYCHAIN_TIMEOUT_MS', 'How long one keychain call may take before the command fails (default 5000).'],
  ['LLAMACTL_HTTP_TIMEOUT_MS', 'How long one control plane request may take before the command fails (default 15000).'],
  [
    'LLAMA_CLOUD_API_KEY',
    'With `LLAMA_AGENTS_PROJECT_ID`, the credential every command uses instead of the current profile (a warning says which profile it overrides); `--profile` still wins. The variables of the Python llamactl 0.10; they never change the config directory.',
  ],
  ['LLAMA_AGENTS_PROJECT_ID', 'The project that goes with `LLAMA_CLOUD_API_KEY`; without it the key is not used (with a warning).'],
  ['LLAMA_CLOUD_BASE_URL', 'The control plane `LLAMA_CLOUD_API_KEY` is for (default `https://api.cloud.llamaindex.ai`).'],
  ['LLAMA_CLOUD_USE_PROFILE', 'When `1`, `true` or `yes`, the profile is used even though `LLAMA_CLOUD_API_KEY` is set.'],
  ['BROWSER', "Program that opens the verification URL of a browser login, called with the URL as its one argument; the platform's opener when unset."],
  ['CI', 'When set (and not `false` or `0`), commands never prompt unless `--interactive` is passed.'],
  ['DEBUG', 'When set, unexpected errors print their stack trace.'],
  ['XDG_CONFIG_HOME', 'Base of the default config directory (`$XDG_CONFIG_HOME/llamactl`).'],
]

const FILES = [
  ['`$LLAMACTL_CONFIG_DIR/config.json`', 'Environments and profiles (no secrets while a keychain is used). Mode 0600, directory 0700.'],
  ['`$LLAMACTL_CONFIG_DIR/secrets.json`', 'Profile secrets when no OS keychain can be used, or with `LLAMACTL_SECRET_STORE=file`. Mode 0600.'],
  [
    '`$LLAMACTL_CONFIG_DIR/profiles.db`',
    "The Python llamactl's profiles: imported (never changed) by `auth import`, and once when there is no `config.json` yet.",
  ],
]

const EXIT_STATUS = [
  ['0', 'Success.'],
  ['1', 'Failure: unknown profile, invalid key, server unreachable, and so on; one line on stderr says what failed and what to do.'],
  ['2', 'Usage error: a missing or unknown flag or argument, or a prompt that a non-interactive run cannot show.'],
  ['130', 'Interrupted (Ctrl-C), for example at a prompt.'],
]

function parseArgs(argv) {
  const options = {markdown: false, out: path.join(ROOT, 'man')}
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') options.out = path.resolve(argv[++i])
    else if (argv[i] === '--markdown') options.markdown = true
    else throw new Error(`gen-man: unknown argument ${argv[i]}`)
  }

  return options
}

/** Escapes markdown outside `code spans`, so help text reads the same here as in `--help`. */
function md(text) {
  return String(text ?? '')
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replaceAll(/([\\*_[\]<>#|~])/g, '\\$1')))
    .join('')
}

/** Fills oclif's example templates (`<%= config.bin %> <%= command.id %>`) the way help does. */
function template(text, bin, id) {
  const out = String(text)
    .replaceAll(/<%[=-]\s*config\.bin\s*%>/g, bin)
    .replaceAll(/<%[=-]\s*command\.id\s*%>/g, id.replaceAll(':', ' '))
  if (out.includes('<%')) throw new Error(`gen-man: template in ${id} that this script can't fill: ${out}`)
  return out
}

const pageName = (bin, id) => [bin, ...id.split(':')].join('-')
const shown = (bin, id) => [bin, ...id.split(':')].join(' ')

function flagLabel(flag) {
  const long = flag.type === 'boolean' && flag.allowNo ? `--[no-]${flag.name}` : `--${flag.name}`
  const names = flag.char ? `-${flag.char}, ${long}` : long
  return flag.type === 'option' ? `${names}=${flag.helpValue ?? '<value>'}` : names
}

function flagDescription(flag) {
  let text = flag.summary ?? flag.description ?? ''
  if (flag.options?.length) text += ` One of: ${flag.options.join(', ')}.`
  if (flag.default !== undefined && flag.default !== false && typeof flag.default !== 'function') text += ` Default: ${flag.default}.`
  if (flag.required) text += ' Required.'
  return text.trim()
}

const visibleFlags = (command) => Object.values(command.flags ?? {}).filter((flag) => !flag.hidden)
const argList = (command) => Object.values(command.args ?? {}).filter((arg) => !arg.hidden)
const argLabel = (arg) => arg.name.toUpperCase()

function synopsis(bin, command) {
  const parts = [`\`${shown(bin, command.id)}\``]
  for (const arg of argList(command)) parts.push(arg.required ? `*${argLabel(arg)}*` : `\\[*${argLabel(arg)}*\\]`)
  for (const flag of visibleFlags(command)) {
    const label = flag.type === 'option' ? `\`--${flag.name}\`=*value*` : `\`--${flag.name}\``
    parts.push(flag.required ? label : `\\[${label}\\]`)
  }

  // A command that runs another (`auth exec -- COMMAND [ARG...]`) says so in its usage.
  const usage = [command.usage ?? []].flat().join(' ')
  const rest = usage.includes(' -- ') ? usage.slice(usage.indexOf(' -- ') + 4).trim() : ''
  if (rest)
    parts.push(
      '`--`',
      rest
        .replaceAll(/[A-Z]+/g, '*$&*')
        .replaceAll('[', '\\[')
        .replaceAll(']', '\\]'),
    )
  return parts.join(' ')
}

const sentence = (text) => (/[.!?]$/.test(text) ? text : `${text}.`)

// Definition lists: markdown has none, so they are written as `* term:` lists and turned into
// man's tagged paragraphs (.TP) after conversion; see toTaggedParagraphs.
function definitions(rows) {
  return rows.map(([term, text]) => `* ${term}:\n  ${text}`).join('\n') + '\n'
}

function toTaggedParagraphs(roff) {
  // .nh: no hyphenation, so command and page names (llamactl-auth-...) never break mid-word.
  return roff.replaceAll(/^\.IP \\\(bu 2\n(.*):\n\.br\n/gm, '.TP\n$1\n').replace(/^(\.TH .*\n)/, '$1.nh\n.ad l\n')
}

function commonSections(bin, related) {
  return [
    '## ENVIRONMENT',
    definitions(ENVIRONMENT.map(([name, text]) => [`\`${name}\``, md(text)])),
    '## FILES',
    definitions(FILES),
    'The config directory is `$LLAMACTL_CONFIG_DIR` when set, else `$XDG_CONFIG_HOME/llamactl`, else `~/.config/llamactl`. ' +
      `When the plugin is installed into a larger \`${bin}\`, it shares that CLI's config directory.\n`,
    '## EXIT STATUS',
    definitions(EXIT_STATUS.map(([code, text]) => [`\`${code}\``, text])),
    '## SEE ALSO',
    related.map((name) => `**${name}**(1)`).join(', ') + '\n',
  ].join('\n')
}

function commandPage(ctx, command) {
  const {bin} = ctx
  const name = pageName(bin, command.id)
  const summary = command.summary ?? command.description?.split('\n')[0] ?? ''
  const lines = [`# ${name}(1) -- ${md(summary)}`, '', '## SYNOPSIS', '', synopsis(bin, command), '']
  // Other names of the command (the Python llamactl 0.10 ones): same synopsis, said once.
  for (const alias of command.aliases ?? []) lines.push(synopsis(bin, {...command, id: alias}), '')
  lines.push('## DESCRIPTION', '', sentence(md(summary)), '')
  if (command.aliases?.length)
    lines.push(`Also available as ${command.aliases.map((a) => `\`${shown(bin, a)}\``).join(' and ')}, its name in the Python llamactl 0.10.`, '')
  if (command.description && command.description !== summary) lines.push(md(template(command.description, bin, command.id)), '')
  const args = argList(command)
  const flags = visibleFlags(command)
  lines.push('## OPTIONS', '')
  if (args.length > 0) lines.push(definitions(args.map((arg) => [`*${argLabel(arg)}*`, md(arg.description ?? '')])))
  if (flags.length > 0) lines.push(definitions(flags.map((flag) => [`\`${flagLabel(flag)}\``, md(flagDescription(flag))])))
  if (args.length === 0 && flags.length === 0) lines.push('None.', '')
  lines.push('## EXAMPLES', '')
  for (const example of command.examples ?? []) {
    const {command: line, description} = typeof example === 'string' ? {command: example} : example
    if (description) lines.push(md(template(description, bin, command.id)), '')
    const code = template(line, bin, command.id)
      .split('\n')
      .map((l) => `    ${l.startsWith(bin) ? `$ ${l}` : l}`)
      .join('\n')
    lines.push(code, '')
  }

  const parentTopic = command.id.split(':').slice(0, -1).join(':')
  const siblings = ctx.commands.filter((c) => c.id !== command.id && c.id.split(':').slice(0, -1).join(':') === parentTopic)
  const related = [...ctx.topicPath(parentTopic), ...siblings.map((c) => pageName(bin, c.id))]
  lines.push(commonSections(bin, [...new Set(related)]))
  return {markdown: lines.join('\n'), name}
}

function topicPage(ctx, topic) {
  const {bin} = ctx
  const name = pageName(bin, topic.id)
  const lines = [`# ${name}(1) -- ${md(topic.description)}`, '', '## SYNOPSIS', '', `\`${shown(bin, topic.id)}\` *COMMAND* \\[*OPTIONS*\\]`, '']
  lines.push('## DESCRIPTION', '', sentence(md(topic.description)), '')
  const depth = topic.id.split(':').length + 1
  const children = ctx.commands.filter((c) => c.id.startsWith(`${topic.id}:`) && c.id.split(':').length === depth)
  const subtopics = ctx.topics.filter((t) => t.id.startsWith(`${topic.id}:`) && t.id.split(':').length === depth)
  lines.push('## COMMANDS', '')
  lines.push(
    definitions([
      ...children.map((c) => [
        [c.id, ...(c.aliases ?? [])].map((id) => `\`${shown(bin, id)}\``).join(', '),
        `${md(c.summary ?? '')}. See **${pageName(bin, c.id)}**(1).`,
      ]),
      ...subtopics.map((t) => [`\`${shown(bin, t.id)}\` *COMMAND*`, `${md(t.description)}. See **${pageName(bin, t.id)}**(1).`]),
    ]),
  )
  // Said from the manifest: `auth exec` has no --json (its output is the command's).
  const below = ctx.commands.filter((c) => c.id.startsWith(`${topic.id}:`))
  const noJson = below.filter((c) => !c.flags?.json).map((c) => `\`${shown(bin, c.id)}\``)
  const json = '`--json` (one JSON document on stdout)'
  lines.push(
    noJson.length === 0 ? `Every command takes ${json} and \`--help\`.` : `Every command takes \`--help\`, and all but ${noJson.join(', ')} take ${json}.`,
    '',
  )
  lines.push('## EXAMPLES', '')
  for (const c of children) {
    const [first] = c.examples ?? []
    if (first) lines.push(`    $ ${template(typeof first === 'string' ? first : first.command, bin, c.id)}`, '')
  }

  const parent = topic.id.split(':').slice(0, -1).join(':')
  const related = [...ctx.topicPath(parent), ...children.map((c) => pageName(bin, c.id)), ...subtopics.map((t) => pageName(bin, t.id))]
  lines.push(commonSections(bin, [...new Set(related)]))
  return {markdown: lines.join('\n'), name}
}

export function generate({markdown = false, out}) {
  const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'))
  const {bin} = pjson.oclif
  const commands = Object.values(manifest.commands)
    .filter((c) => !c.hidden)
    .sort((a, b) => a.id.localeCompare(b.id))
  const topicIds = new Set(Object.keys(pjson.oclif.topics ?? {}))
  // A topic the manifest implies but package.json forgot still gets a page (and the test notices).
  for (const c of commands) for (let i = 1; i < c.id.split(':').length; i++) topicIds.add(c.id.split(':').slice(0, i).join(':'))
  const topics = [...topicIds].sort().map((id) => ({description: pjson.oclif.topics?.[id]?.description ?? '', id}))
  const ctx = {
    bin,
    commands,
    topicPath: (id) => (id ? id.split(':').map((_, i, all) => pageName(bin, all.slice(0, i + 1).join(':'))) : []),
    topics,
  }

  const marked = new Marked({
    ...markedMan,
    date: process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) * 1000 : Date.now(),
    manual: `${bin} manual`,
    manVersion: `${pjson.name} ${pjson.version}`,
  })
  rmSync(out, {force: true, recursive: true})
  mkdirSync(out, {recursive: true})
  const pages = [...topics.map((t) => topicPage(ctx, t)), ...commands.map((c) => commandPage(ctx, c))]
  for (const page of pages) {
    writeFileSync(path.join(out, `${page.name}.1`), toTaggedParagraphs(marked.parse(page.markdown)))
    if (markdown) writeFileSync(path.join(out, `${page.name}.1.md`), page.markdown)
  }

  return pages.map((p) => `${p.name}.1`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2))
  const written = generate(options)
  const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  const listed = new Set((pjson.man ?? []).map((p) => path.basename(p)))
  const unlisted = written.filter((p) => !listed.has(p))
  if (unlisted.length > 0) process.stderr.write(`gen-man: not in package.json "man" (so not installed by npm): ${unlisted.join(', ')}\n`)
  process.stderr.write(`gen-man: wrote ${written.length} pages to ${path.relative(process.cwd(), options.out) || '.'}\n`)
}
