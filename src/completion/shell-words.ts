/**
 * Shell words for the completer: bash hands over the raw line (its own COMP_WORDS split URLs at
 * `:` and `=`), so the line is split here the way bash reads it, and each answer is written as
 * the text readline should put in place of the part of the word it replaces.
 */

/** What the line up to the cursor holds. */
export interface LineWords {
  /** The word being completed, quotes and escapes removed. */
  current: string
  /** The value of the part of `current` that readline keeps (before a word break or an opening quote). */
  kept: string
  /** The quote left open in the current word, or '' when none. */
  quote: '' | '"' | "'"
  /** The complete words before the current one, quotes and escapes removed. */
  words: string[]
}

/** bash's default COMP_WORDBREAKS. */
export const DEFAULT_WORDBREAKS = `"'><=;|&(:`

/**
 * Splits a bash command line (COMP_LINE up to COMP_POINT) into words, and finds where readline
 * starts the text it replaces: after the last unquoted word-break character (COMP_WORDBREAKS,
 * `:` and `=` by default) or, inside an open quote, after that quote.
 */
export function splitBashLine(line: string, wordbreaks: string = DEFAULT_WORDBREAKS): LineWords {
  const words: string[] = []
  let value = ''
  let started = false
  let quote: '' | '"' | "'" = ''
  let kept = ''
  let quoteStart = ''
  const breaks = new Set([...wordbreaks].filter((c) => c !== '"' && c !== "'"))
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote === "'") {
      if (c === "'") quote = ''
      else value += c
      continue
    }

    if (quote === '"') {
      if (c === '"') quote = ''
      else if (c === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1])) value += line[++i]
      else value += c
      continue
    }

    if (c === ' ' || c === '\t' || c === '\n') {
      if (started) words.push(value)
      value = ''
      kept = ''
      started = false
      continue
    }

    started = true
    if (c === '\\') {
      if (i + 1 < line.length) value += line[++i]
    } else if (c === "'" || c === '"') {
      quote = c
      quoteStart = value
    } else {
      value += c
      if (breaks.has(c)) kept = value
    }
  }

  return {current: value, kept: quote ? quoteStart : kept, quote, words}
}

const BARE_SPECIAL = /[\s"'\\$`!&;|<>(){}[\]*?^]/g

/**
 * The text readline inserts for `value` (a candidate for the whole current word): the part after
 * what it keeps, escaped for where the cursor is (bare, or inside the open quote).
 */
export function bashReplacement(value: string, at: Pick<LineWords, 'kept' | 'quote'>): string {
  const rest = value.slice(at.kept.length)
  if (at.quote === "'") return rest.replaceAll("'", `'\\''`)
  if (at.quote === '"') return rest.replaceAll(/["\\$`]/g, '\\$&')
  const escaped = rest.replaceAll(BARE_SPECIAL, '\\$&')
  // `~` and `#` mean something only at the start of a word.
  return at.kept === '' && /^[~#]/.test(escaped) ? `\\${escaped}` : escaped
}
