import {promises as fs} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {CliError, UsageError} from '../errors.js'
import {escapeUnprintable} from '../model.js'
import {writeFileAtomic} from '../stores/json-file.js'
import {powershellQuote as psQuote} from '../ui/powershell-quote.js'

/**
 * `completion generate` and `completion install`: the shell scripts, which call the standalone
 * completer (src/completion/complete.ts) at each TAB, and their installation where each shell
 * looks for them (the same places as the Python llamactl 0.10, so its lines are recognised).
 */

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const
export type Shell = (typeof SHELLS)[number]

/** What a script calls: this Node, the completer, and the root of the CLI it completes for. */
export interface ScriptTarget {
  bin: string
  completer: string
  node: string
  root: string
}

/** The completer next to this module in dist/. */
export const COMPLETER = fileURLToPath(new URL('../completion/complete.js', import.meta.url))

/** The comment that marks the lines llamactl adds to rc files (the Python llamactl's marker too). */
export const MARKER = '# llamactl shell completion'
const ZSH_BLOCK_START = '# >>> llamactl completion >>>'
const ZSH_BLOCK_END = '# <<< llamactl completion <<<'
const ZSH_FPATH_LINE = 'fpath=(~/.zfunc $fpath)'
const ZSH_COMPINIT_LINE = 'autoload -Uz compinit && compinit'

const sh = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`)
const fishQuote = (value: string) => `'${value.replaceAll(/[\\']/g, '\\$&')}'`
const functionName = (bin: string) => `_${bin.replaceAll(/[^\w]/g, '_')}`

/** The completion script for a shell. */
export function completionScript(shell: Shell, target: ScriptTarget): string {
  const name = functionName(target.bin)
  const call = (quote: (value: string) => string) => [target.node, target.completer, target.root].map((part) => quote(part)).join(' ')
  const header = `${MARKER} for ${shell}: \`${target.bin} completion generate ${shell}\`. Each TAB runs the completer below (plain Node, no oclif).`
  switch (shell) {
    case 'bash': {
      return `${header}
# The line up to the cursor goes to the completer, which splits it as bash does, so URLs (':' is
# in COMP_WORDBREAKS) and quoted names come back as the text readline replaces. COMP_POINT counts
# bytes: the line is cut in the C locale.
${name}_completion() {
  local LC_ALL=C entry
  local line="\${COMP_LINE:0:COMP_POINT}"
  COMPREPLY=()
  while IFS= read -r entry; do COMPREPLY+=("$entry"); done < <(${call(sh)} bash "$line" "\${COMP_WORDBREAKS-}" 2>/dev/null)
}
complete -F ${name}_completion ${sh(target.bin)}
`
    }

    case 'zsh': {
      return `#compdef ${target.bin}
${header}
${name}() {
  local -a reply values displays
  local entry
  reply=("\${(@f)$(${call(sh)} zsh -- "\${(@Q)words[2,CURRENT-1]}" "\${(Q)PREFIX}" 2>/dev/null)}")
  for entry in "\${reply[@]}"; do
    [[ -n $entry ]] || continue
    values+=("\${entry%%$'\\t'*}")
    if [[ $entry == *$'\\t'* ]]; then displays+=("\${entry%%$'\\t'*}  -- \${entry#*$'\\t'}"); else displays+=("$entry"); fi
  done
  (( \${#values} )) && compadd -l -d displays -- "\${values[@]}"
}
if [[ \${funcstack[1]-} == ${name} ]]; then ${name} "$@"; else compdef ${name} ${sh(target.bin)}; fi
`
    }

    case 'fish': {
      return `${header}
function ${name}_complete
    set -l words (commandline -opc)
    # Quoted: exactly one argument, also when the current token is empty.
    set -l current (commandline -ct)
    ${call(fishQuote)} fish -- $words[2..-1] "$current" 2>/dev/null
end
complete -c ${fishQuote(target.bin)} -f -a '(${name}_complete)'
`
    }

    case 'powershell': {
      return `${header}
Register-ArgumentCompleter -Native -CommandName ${psQuote(target.bin)} -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $elements = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | Select-Object -Skip 1)
    if ($wordToComplete -and $elements.Count -gt 0) { $elements = @($elements | Select-Object -SkipLast 1) }
    $words = @($elements | ForEach-Object { if ($_ -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $_.Value } else { $_.Extent.Text } })
    # The completer answers in UTF-8, one candidate a line: the text to insert (already quoted
    # for PowerShell), the text to list, the description.
    $encoding = [Console]::OutputEncoding
    try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }
    try { $lines = @(& ${call(psQuote)} powershell -- ":$wordToComplete" @words 2>$null) }
    finally { try { [Console]::OutputEncoding = $encoding } catch { } }
    $lines | ForEach-Object {
        $text, $value, $description = $_ -split "\`t", 3
        [System.Management.Automation.CompletionResult]::new($text, $value, 'ParameterValue', $(if ($description) { $description } else { $value }))
    }
}
`
    }
  }
}

/** The shell named by $SHELL (its file name); PowerShell on Windows without $SHELL; else undefined. */
export function detectShell(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Shell | undefined {
  const name = path.basename(env.SHELL ?? '').replace(/\.exe$/i, '')
  if (name === 'pwsh' || name === 'powershell') return 'powershell'
  if ((SHELLS as readonly string[]).includes(name)) return name as Shell
  if (!env.SHELL && platform === 'win32') return 'powershell'
  return undefined
}

/**
 * The shell `completion install` is for: `--shell` when given, else the one $SHELL names. A
 * $SHELL of another shell (tcsh, sh, …) or none is a usage error naming the supported ones,
 * never a quiet install for a shell the user may not run.
 */
export function installShell(flag: string | undefined, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Shell {
  if (flag) return shellNamed(flag)
  const shell = detectShell(env, platform)
  if (shell) return shell
  const named = env.SHELL ? `$SHELL is ${escapeUnprintable(path.basename(env.SHELL))}, which` : '$SHELL is not set, so it'
  throw new UsageError(`${named} names no shell llamactl completes (bash, zsh, fish or PowerShell)`, 'Name yours with --shell bash|zsh|fish|powershell')
}

/** Parses a --shell value (oclif checks the options; this also reads pwsh). */
export function shellNamed(value: string): Shell {
  const name = value === 'pwsh' ? 'powershell' : value
  if ((SHELLS as readonly string[]).includes(name)) return name as Shell
  throw new UsageError(`Unknown shell ${value}`, `Use one of ${SHELLS.join(', ')}`)
}

/** One file `install` writes or would write, and why. */
export interface InstallChange {
  /** False when the file already holds what it should (a second install changes nothing). */
  changed: boolean
  file: string
  what: string
}

export interface InstallOptions {
  dryRun: boolean
  env: NodeJS.ProcessEnv
  home: string
  platform?: NodeJS.Platform
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  return fs.stat(dir).then(
    (stat) => stat.isDirectory(),
    () => false,
  )
}

const liveCompinit = (line: string) => !line.trimStart().startsWith('#') && /\bcompinit\b/.test(line)

/**
 * ~/.zshrc with ~/.zfunc on fpath before the first compinit, and a compinit when there is none
 * (the Python llamactl's plan, so its block is recognised and never doubled). Returns the new
 * text and what changed, or no actions when nothing has to.
 */
export function planZshrc(content: string): {actions: string[]; content: string} {
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n')
  const kept: string[] = []
  let inBlock = false
  let removedBlock = false
  let removedCompinit = false
  for (const line of lines) {
    const stripped = line.trim()
    if (stripped === ZSH_BLOCK_START) {
      inBlock = true
      removedBlock = true
      continue
    }

    if (stripped === ZSH_BLOCK_END) {
      inBlock = false
      continue
    }

    if (inBlock) continue
    if (stripped === `${ZSH_FPATH_LINE}  ${MARKER}`) {
      removedBlock = true
      continue
    }

    if (stripped === `${ZSH_COMPINIT_LINE}  ${MARKER}`) {
      removedCompinit = true
      continue
    }

    kept.push(line)
  }

  const firstCompinit = kept.findIndex((line) => liveCompinit(line))
  const firstFpath = kept.findIndex((line) => !line.trimStart().startsWith('#') && line.includes('~/.zfunc') && line.includes('fpath'))
  const actions: string[] = []
  const updated = [...kept]
  if (firstFpath < 0 || (firstCompinit >= 0 && firstFpath > firstCompinit)) {
    updated.splice(firstCompinit >= 0 ? firstCompinit : updated.length, 0, ZSH_BLOCK_START, `${ZSH_FPATH_LINE}  ${MARKER}`, ZSH_BLOCK_END)
    actions.push('put ~/.zfunc on fpath before compinit')
  } else if (removedBlock) actions.push('remove a stale llamactl block')

  if (!updated.some((line) => liveCompinit(line))) {
    // No blank line after our own block: a second run must find the same text.
    if (updated.length > 0 && updated.at(-1) !== '' && updated.at(-1) !== ZSH_BLOCK_END) updated.push('')
    updated.push(`${ZSH_COMPINIT_LINE}  ${MARKER}`)
    actions.push('add compinit (none was configured)')
  } else if (removedCompinit) actions.push('remove a stale llamactl compinit line')

  const text = updated.length > 0 ? `${updated.join('\n')}\n` : ''
  // Moving our own lines around to the same place is no change.
  return text === content ? {actions: [], content} : {actions, content: text}
}

/**
 * Where a shell's completion lives: the script (bash: bash-completion's directory, else
 * ~/.bash_completion.d, the first that install finds) and the rc file or profile that loads it.
 * One table for install and uninstall.
 */
function completionFiles(shell: Shell, options: InstallOptions): {rc?: string; scripts: string[]} {
  const {env, home} = options
  const configHome = env.XDG_CONFIG_HOME || path.join(home, '.config')
  switch (shell) {
    case 'bash': {
      const scripts = [path.join(home, '.local', 'share', 'bash-completion', 'completions', 'llamactl'), path.join(home, '.bash_completion.d', 'llamactl')]
      return {rc: path.join(home, '.bashrc'), scripts}
    }

    case 'zsh': {
      return {rc: path.join(home, '.zshrc'), scripts: [path.join(home, '.zfunc', '_llamactl')]}
    }

    case 'fish': {
      return {scripts: [path.join(configHome, 'fish', 'completions', 'llamactl.fish')]}
    }

    case 'powershell': {
      const dir = (options.platform ?? process.platform) === 'win32' ? path.join(home, 'Documents', 'PowerShell') : path.join(configHome, 'powershell')
      return {rc: path.join(dir, 'Microsoft.PowerShell_profile.ps1'), scripts: [path.join(dir, 'llamactl-completion.ps1')]}
    }
  }
}

/**
 * Installs a completion script where the shell looks for it, idempotently: each file is written
 * only when its content differs, and with `dryRun` nothing is written at all. Returns every file
 * considered, changed or not.
 */
export async function installCompletion(shell: Shell, script: string, options: InstallOptions): Promise<InstallChange[]> {
  const {rc, scripts} = completionFiles(shell, options)
  const changes: Array<InstallChange & {content: string}> = []
  const writeFile = async (file: string, content: string, what: string) => {
    changes.push({changed: (await readText(file)) !== content, content, file, what})
  }

  const sourceLine = async (rc: string, line: string) => {
    const current = (await readText(rc)) ?? ''
    const changed = !current.includes(line)
    const content = changed ? `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}\n${line}  ${MARKER}\n` : current
    changes.push({changed, content, file: rc, what: `add \`${line}\``})
  }

  switch (shell) {
    case 'bash': {
      // bash-completion's own directory when it is there, else ~/.bash_completion.d.
      const file = (await isDirectory(path.dirname(scripts[0]))) ? scripts[0] : scripts[1]
      await writeFile(file, script, 'the completion script')
      await sourceLine(rc!, `source ${sh(file)}`)
      break
    }

    case 'zsh': {
      await writeFile(scripts[0], script, 'the completion function')
      const current = (await readText(rc!)) ?? ''
      const plan = planZshrc(current)
      changes.push({changed: plan.actions.length > 0, content: plan.content, file: rc!, what: plan.actions.join('; ') || 'fpath and compinit'})
      break
    }

    case 'fish': {
      await writeFile(scripts[0], script, 'the completion script')
      break
    }

    case 'powershell': {
      await writeFile(scripts[0], script, 'the completion script')
      await sourceLine(rc!, `. ${psQuote(scripts[0])}`)
      break
    }
  }

  if (!options.dryRun) for (const change of changes.filter((c) => c.changed)) await replaceFile(change.file, change.content)
  return changes.map(({changed, file, what}) => ({changed, file, what}))
}

/**
 * Writes a file whole or not at all (a temp file renamed over it: a full disk or `ulimit -f`
 * leaves the old one as it was). A symlinked rc file keeps its link: its target is written, with
 * the target's mode and owner.
 */
async function replaceFile(file: string, content: string): Promise<void> {
  let target = file
  try {
    target = await fs.realpath(file)
  } catch {
    // No file yet, or a link to one that doesn't exist yet: write where the link points.
    const link = await fs.readlink(file).catch(() => undefined)
    if (link !== undefined) target = path.resolve(path.dirname(file), link)
  }

  const stat = await fs.stat(target).catch(() => undefined)
  await fs.mkdir(path.dirname(target), {recursive: true})
  await writeFileAtomic(target, content, {
    error: (cause) =>
      new CliError(`Could not write ${file} (${cause.message}); it was left as it was`, {
        code: 'completion_unwritable',
        suggestion: `Check the free space and the permissions of ${path.dirname(target)}`,
      }),
    mode: stat ? stat.mode & 0o7777 : 0o644,
    owner: stat ? {gid: stat.gid, uid: stat.uid} : undefined,
  })
}

/** The lines `install` adds to rc files (the Python llamactl's too): those marked, and the zsh block. */
export function withoutCompletionLines(content: string): string {
  const kept: string[] = []
  let inBlock = false
  for (const line of content.split('\n')) {
    const stripped = line.trim()
    if (stripped === ZSH_BLOCK_START) inBlock = true
    else if (inBlock) inBlock = stripped !== ZSH_BLOCK_END
    else if (stripped.endsWith(`  ${MARKER}`)) {
      // `install` puts a blank line before a line it appends.
      if (kept.at(-1) === '') kept.pop()
    } else kept.push(line)
  }

  return kept.join('\n')
}

/** Whether a file is a llamactl completion script: ours (the marker) or the Python llamactl's (click's variable). */
const isCompletionScript = (content: string) => content.includes(MARKER) || content.includes('_LLAMACTL_COMPLETE')

/**
 * Removes what `install` added for each of `shells`: the completion scripts (only files that are
 * llamactl completion scripts) and the marked lines of rc files and profiles, each rc file
 * rewritten whole (replaceFile). Returns every file that held something of ours.
 */
export async function uninstallCompletion(shells: readonly Shell[], options: InstallOptions): Promise<InstallChange[]> {
  const scripts: string[] = []
  const rcFiles: string[] = []
  for (const shell of shells) {
    const files = completionFiles(shell, options)
    scripts.push(...files.scripts)
    if (files.rc) rcFiles.push(files.rc)
  }

  const changes: InstallChange[] = []
  for (const file of scripts) {
    const content = await readText(file)
    if (content === undefined || !isCompletionScript(content)) continue
    changes.push({changed: true, file, what: 'remove the completion script'})
    if (!options.dryRun) await fs.rm(file, {force: true})
  }

  for (const file of rcFiles) {
    const content = await readText(file)
    if (content === undefined) continue
    const kept = withoutCompletionLines(content)
    if (kept === content) continue
    changes.push({changed: true, file, what: 'remove the lines llamactl added'})
    if (!options.dryRun) await replaceFile(file, kept)
  }

  return changes
}
