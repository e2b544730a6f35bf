// Writes CSV (RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a comma, quote or line break)
// and neutralises cells a spreadsheet would run as a formula or a terminal would run as a control sequence.
import { escapeCharacters, isControlCharacter } from './visible-text';

// The fullwidth forms ＝ ＋ － ＠ are included: some spreadsheets fold them to their ASCII forms before parsing.
const formulaStarts = new Set(['=', '+', '-', '@', '\t', '\r', '\uff1d', '\uff0b', '\uff0d', '\uff20']);

/**
 * A text cell beginning with =, +, -, @ (ASCII or fullwidth; or a tab/CR, which some spreadsheets skip before one)
 * is prefixed with a single quote so that opening the file never evaluates it. Numbers are written as numbers and
 * are not touched: a negative score stays a negative number.
 */
export function neutraliseFormula(text: string): string {
  return text.length > 0 && formulaStarts.has(text[0]!) ? `'${text}` : text;
}

/** Control characters (ESC, BEL, NUL …; not tab or line breaks, which quoting handles) become `⟨U+001B⟩`. */
export function neutraliseControls(text: string): string {
  return escapeCharacters(text, isControlCharacter);
}

export type CsvCell = string | number | null | undefined;

export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') {
    // Shortest text that reads back as the same double (JavaScript's default), so numbers round-trip exactly;
    // String(-0) is "0", so negative zero is spelled out to keep the sign bit too.
    if (Object.is(cell, -0)) return '-0';
    return Number.isFinite(cell) ? String(cell) : '';
  }
  const safe = neutraliseFormula(neutraliseControls(cell));
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}
