/*
 * PowerShell's quoting, by its language specification (§2.3.5.2, string literals): a
 * single-quoted (verbatim) string opens and closes with any character of the single-quote class
 * (U+0027 and U+2018 to U+201B), and inside it any of those, doubled, stands for itself; the
 * double-quote class (U+0022, U+201C to U+201E) opens expandable strings. So doubling only the
 * ASCII apostrophe leaves U+2019 free to close the string and what follows runs as code.
 */

/** PowerShell's single-quote class. */
export const POWERSHELL_SINGLE_QUOTES = /['\u2018-\u201B]/g

/** `value` as one PowerShell verbatim string: every single-quote-class character doubled. */
export function powershellQuote(value: string): string {
  return `'${value.replaceAll(POWERSHELL_SINGLE_QUOTES, '$&$&')}'`
}

// What stays one plain argument word unquoted: letters, digits and a few marks that mean nothing
// to PowerShell's parser in argument mode. Anything else (spaces, both quote classes, `$`, `` ` ``,
// `;`, `,`, `@`, `#`, `%` of `--%`, braces, Unicode dashes, separators) is quoted.
const BARE = /^[\p{L}\p{Nd}_./:=+-]+$/u

/** The text PowerShell should insert for a completion: the value as it is when that reads back as itself, else quoted. */
export function powershellArgument(value: string): string {
  return BARE.test(value) ? value : powershellQuote(value)
}
