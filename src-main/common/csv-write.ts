// Writes CSV (RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a comma, quote or line break)
// and neutralises cells a spreadsheet would run as a formula.
const formulaStarts = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * A text cell beginning with =, +, -, @ (or a tab/CR, which some spreadsheets skip before one) is prefixed with a
 * single quote so that opening the file never evaluates it. Numbers are written as numbers and are not touched:
 * a negative score stays a negative number.
 */
export function neutraliseFormula(text: string): string {
  return text.length > 0 && formulaStarts.has(text[0]!) ? `'${text}` : text;
}

export type CsvCell = string | number | null | undefined;

export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') {
    // Shortest text that reads back as the same double (JavaScript's default), so numbers round-trip exactly.
    return Number.isFinite(cell) ? String(cell) : '';
  }
  const safe = neutraliseFormula(cell);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}
