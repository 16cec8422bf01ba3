// C0 controls except tab (ESC among them), DEL, and C1 controls (U+0080–U+009F; U+009B is a
// one-character CSI on terminals that honour C1). Anything here could move the cursor, clear
// the screen, retitle the window or break a line. Also the line and paragraph separators
// (U+2028/2029, a line break to some terminals and viewers) and the bidi embeddings, overrides
// and isolates (U+202A–202E, U+2066–2069), which reorder what follows them on the line: a
// server string could make `p1` read as something else ("Trojan Source").
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g

/**
 * Text for a terminal with every control character (and bidi control, line separator) made visible as a `\u001b`-style escape
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
