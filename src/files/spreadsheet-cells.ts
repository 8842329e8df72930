/**
 * OWASP's CSV injection rule: a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, tab or CR
 * as a formula, so such a cell is written behind a single quote `'`, which makes it text. A cell that
 * already starts with `'` gets one too (and so does one starting with LF, which the reader cannot tell
 * from CR), so reading takes exactly one `'` off whatever an export could have prefixed, and gives back
 * what was written.
 */
const prefixedStart = /^[=+\-@\t\r\n']/;

/** The cell as a CSV export writes it: behind one more `'` when a spreadsheet could run it. */
export function neutraliseCell(text: string): string {
  return prefixedStart.test(text) ? `'${text}` : text;
}

/** The cell as it was before `neutraliseCell`; any other cell, hand-written ones too, is left as it is. */
export function restoreCell(text: string): string {
  return text.startsWith("'") && prefixedStart.test(text.slice(1)) ? text.slice(1) : text;
}

/** Which written cells are neutralised ones: CSV quotes them all, as OWASP asks. */
export const neutralisedStart = /^'/;
