import { describe, expect, it } from 'vitest';
import { isMiaError } from '../../../src-main/common/errors';
import { parseCsv } from '../../../src-main/engine/data/csv';
import { errorCodeOf } from '../../helpers/error-code';

describe('parseCsv', () => {
  it('splits plain fields and keeps empty ones', () => {
    expect(parseCsv('a,b,,d\n', 'm.csv')).toEqual([{ line: 1, fields: ['a', 'b', '', 'd'] }]);
  });

  it('reads quoted fields with commas, doubled quotes and newlines, counting lines for the next row', () => {
    const rows = parseCsv('id,caption\r\n1,"a, ""quoted""\r\ncaption"\r\n2,plain\r\n', 'm.csv');
    expect(rows).toEqual([
      { line: 1, fields: ['id', 'caption'] },
      { line: 2, fields: ['1', 'a, "quoted"\r\ncaption'] },
      { line: 4, fields: ['2', 'plain'] },
    ]);
  });

  it('accepts a last row without a line end and skips blank lines', () => {
    expect(parseCsv('a,b\n\n1,2', 'm.csv')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
    ]);
  });

  it('keeps a row made of one empty quoted field', () => {
    expect(parseCsv('""\n', 'm.csv')).toEqual([{ line: 1, fields: [''] }]);
  });

  it('refuses an unterminated quoted field, naming its line', () => {
    try {
      parseCsv('id,caption\n1,"never closed\n2,x\n', 'm.csv');
      expect.unreachable();
    } catch (error) {
      expect(isMiaError(error, 'dataset.csv-syntax')).toBe(true);
      expect((error as Error).message).toContain('m.csv, line 2');
    }
  });

  it('refuses a quote inside an unquoted field and text after a closing quote', () => {
    expect(errorCodeOf(() => parseCsv('a,b"c\n', 'm.csv'))).toBe('dataset.csv-syntax');
    expect(errorCodeOf(() => parseCsv('a,"b"c\n', 'm.csv'))).toBe('dataset.csv-syntax');
  });
});
