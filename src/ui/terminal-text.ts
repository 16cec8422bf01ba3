import {escapeUnprintable} from '../model.js'

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
 * A value as pretty-printed JSON that is safe on a terminal: the same data, with every character
 * that isn't printable (the one rule of src/model.ts) written as a `\u` escape. JSON.stringify
 * escapes C0 controls and lone surrogates but leaves DEL, C1 controls, bidi overrides, zero-width
 * characters and U+2028/U+2029 raw; all of them can only be inside strings, where the escape is
 * the same character. The line breaks between JSON's own lines stay.
 */
export function jsonText(value: unknown): string {
  return visibleLines(JSON.stringify(value, null, 2))
}
