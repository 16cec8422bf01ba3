import {escapeUnprintable} from '../model.js'

// What a terminal executes that JSON.stringify leaves raw: DEL and the C1 controls.
const RAW_IN_JSON = /[\u007F-\u009F]/g

/**
 * Text for a terminal with every character that isn't printable (src/model.ts: control characters,
 * ESC among them, invisible format characters such as bidi overrides, line separators) made
 * visible as a `\u001b`-style escape. For anything from a server or a user on its way to text
 * output; one line stays one line. Applying it twice changes nothing more.
 */
export function visible(text: string): string {
  return escapeUnprintable(text)
}

/** Text of several lines that we put together ourselves (a table): each line made visible, the breaks between them kept. */
export function visibleLines(text: string): string {
  return text
    .split('\n')
    .map((line) => visible(line))
    .join('\n')
}

/**
 * A value as pretty-printed JSON that is safe on a terminal: the same data, with DEL and C1
 * controls (which JSON.stringify leaves raw) written as `\u` escapes.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
