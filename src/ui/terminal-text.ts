// C0 controls except tab (ESC among them), DEL, and C1 controls (U+0080–U+009F; U+009B is a
// one-character CSI on terminals that honour C1). Anything here could move the cursor, clear
// the screen, retitle the window or break a line.
// Also the bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069), which reorder
// what follows them, and the line and paragraph separators (U+2028, U+2029).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028-\u202E\u2066-\u2069]/g
// What a terminal executes that JSON.stringify leaves raw: DEL and the C1 controls.
const RAW_IN_JSON = /[\u007F-\u009F]/g

/**
 * Text for a terminal with every control character made visible as a `\u001b`-style escape
 * (lower-case hex, as JSON spells it). For anything from a server or a user on its way to
 * text output; one line stays one line. Applying it twice changes nothing more.
 */
export function visible(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
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
