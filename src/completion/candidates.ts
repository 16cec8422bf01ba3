import {escapeUnprintable, isPrintable} from '../model.js'

/** A completion: the value, and a description for shells that show one. */
export interface Candidate {
  description?: string
  value: string
}

/**
 * Whether a value can be offered: non-empty text that shows as itself on one line (the model's
 * printable rule, the one profile names and text output follow), so no answer line is broken
 * and nothing invisible is inserted into a command line.
 */
export const offerable = (value: unknown): value is string => typeof value === 'string' && value !== '' && isPrintable(value)

/** A description made safe for a terminal: what isn't printable spelled as an escape, one short line. */
export const safeDescription = (value: unknown): string | undefined => (typeof value === 'string' ? escapeUnprintable(value).slice(0, 120) : undefined)
