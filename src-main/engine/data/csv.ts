// A small RFC 4180 CSV parser for record manifests: quoted fields, doubled quotes, CRLF or LF line ends,
// newlines inside quoted fields. Rows carry the line they start on so errors can point at them.
import { MiaError } from '../../common/errors';

export interface CsvRow {
  /** 1-based line of the file on which this row starts. */
  readonly line: number;
  readonly fields: string[];
}

/**
 * Parses CSV text (already decoded, BOM removed) into rows. Lines that are completely empty are skipped,
 * so a trailing newline or a blank line at the end is harmless. A stray quote inside an unquoted field, text
 * after a closing quote or an unterminated quoted field is an error naming the file and line: guessing at
 * what a malformed manifest meant would silently shift columns.
 */
export function parseCsv(text: string, fileName: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowStartLine = 1;
  let rowHasContent = false;
  let i = 0;
  const length = text.length;

  const endField = (): void => {
    fields.push(field);
    field = '';
  };
  const endRow = (): void => {
    endField();
    if (rowHasContent) rows.push({ line: rowStartLine, fields });
    fields = [];
    rowHasContent = false;
  };

  while (i < length) {
    const ch = text[i];
    if (ch === '"') {
      if (field.length > 0) {
        throw new MiaError(
          'dataset.csv-syntax',
          `${fileName}, line ${line}: a quote character appears inside an unquoted field; quote the whole field and double any quote inside it.`,
          { file: fileName, line },
        );
      }
      rowHasContent = true;
      const quoteLine = line;
      i += 1;
      let closed = false;
      while (i < length) {
        const inner = text[i];
        if (inner === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          i += 1;
          break;
        }
        if (inner === '\n') line += 1;
        field += inner;
        i += 1;
      }
      if (!closed) {
        throw new MiaError('dataset.csv-syntax', `${fileName}, line ${quoteLine}: a quoted field is never closed.`, {
          file: fileName,
          line: quoteLine,
        });
      }
      const next = text[i];
      if (i < length && next !== ',' && next !== '\n' && next !== '\r') {
        throw new MiaError(
          'dataset.csv-syntax',
          `${fileName}, line ${line}: unexpected text after a closing quote; expected a comma or the end of the line.`,
          { file: fileName, line },
        );
      }
      continue;
    }
    if (ch === ',') {
      rowHasContent = true;
      endField();
      i += 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      rowStartLine = line;
      continue;
    }
    rowHasContent = true;
    field += ch;
    i += 1;
  }
  if (rowHasContent) endRow();
  return rows;
}
