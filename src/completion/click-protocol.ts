import {COMPLETER, completionScript} from '../services/completion-service.js'
import type {Candidate} from './candidates.js'
import {splitBashLine} from './shell-words.js'

/**
 * click 8's completion protocol, which the scripts the Python llamactl installs speak: the
 * script runs `llamactl` with `_LLAMACTL_COMPLETE=<shell>_complete` and the command line in
 * COMP_WORDS / COMP_CWORD, and reads typed lines back (click's shell_completion.py):
 * - bash: COMP_WORDS is bash's words joined by newlines, COMP_CWORD the index of the current one;
 *   one `plain,VALUE` line each;
 * - zsh: the same with spaces; `plain`, VALUE (`:` escaped as `\:` when there is a help text) and
 *   the help text (`_` for none), on three lines each;
 * - fish: COMP_WORDS is the line up to the cursor, COMP_CWORD the current token;
 *   `plain,VALUE` or `plain,VALUE<TAB>HELP` lines;
 * - `<shell>_source` prints the completion script: ours, which calls the completer directly.
 * The words are read as click reads them (shlex, an open quote taken as closed).
 */

export type ClickShell = 'bash' | 'fish' | 'zsh'

/** What a click instruction asks: completions for words after the program name, or a script. */
export type ClickRequest = {args: string[]; incomplete: string; shell: ClickShell} | {source: ClickShell}

const SHELLS = new Set<string>(['bash', 'fish', 'zsh'])

/** click's split_arg_string: shell words, quotes and escapes removed, a quote left open taken as closed. */
function splitWords(text: string): string[] {
  const line = splitBashLine(text, '')
  return line.current === '' && line.quote === '' ? line.words : [...line.words, line.current]
}

/** Reads `_LLAMACTL_COMPLETE` and the variables its script set; undefined for what click would refuse (exit 1). */
export function clickRequest(instruction: string, env: NodeJS.ProcessEnv): ClickRequest | undefined {
  const [shell, action] = instruction.split(/_(.*)/s)
  if (!SHELLS.has(shell)) return undefined
  if (action === 'source') return {source: shell as ClickShell}
  if (action !== 'complete') return undefined
  const words = splitWords(env.COMP_WORDS ?? '')
  if (shell === 'fish') {
    const incomplete = env.COMP_CWORD ? (splitWords(env.COMP_CWORD)[0] ?? '') : ''
    const args = words.slice(1)
    // fish has the partial word in both variables.
    if (incomplete && args.at(-1) === incomplete) args.pop()
    return {args, incomplete, shell: 'fish'}
  }

  const cword = Number.parseInt(env.COMP_CWORD ?? '', 10)
  if (!Number.isInteger(cword) || cword < 1) return undefined
  return {args: words.slice(1, cword), incomplete: words[cword] ?? '', shell: shell as ClickShell}
}

/** The lines click's scripts read, for completions of the current word. */
export function clickLines(shell: ClickShell, candidates: Candidate[]): string[] {
  switch (shell) {
    case 'bash': {
      return candidates.map((c) => `plain,${c.value}`)
    }

    case 'zsh': {
      // click's zsh script hands items with help to _describe, which splits value and help at the first unescaped ':'.
      return candidates.flatMap((c) => (c.description ? ['plain', c.value.replaceAll(':', '\\:'), c.description] : ['plain', c.value, '_']))
    }

    case 'fish': {
      return candidates.map((c) => (c.description ? `plain,${c.value}\t${c.description}` : `plain,${c.value}`))
    }
  }
}

/** What the process prints for an instruction: the lines, the script, or nothing (an instruction click would refuse). */
export async function clickAnswer(
  instruction: string,
  env: NodeJS.ProcessEnv,
  target: {bin: string; root: string},
  complete: (words: string[], current: string) => Promise<Candidate[]>,
): Promise<string[]> {
  const request = clickRequest(instruction, env)
  if (!request) return []
  if ('source' in request) {
    const script = completionScript(request.source, {...target, completer: COMPLETER, node: process.execPath})
    return [script.replace(/\n$/, '')]
  }

  return clickLines(request.shell, await complete(request.args, request.incomplete))
}
