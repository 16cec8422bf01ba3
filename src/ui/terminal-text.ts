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
