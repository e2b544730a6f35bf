// The report's one text filter: invisible, bidi and control characters, and glyphs missing from its fonts, are shown
// as ⟨U+XXXX⟩; everything the fonts can draw is left alone.
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { displayableText, fontGlyphCheck } from '../../../src-main/services/reports/pdf-text';
import { findReportFonts } from '../../../src-main/services/reports/report-fonts';

const latinOnly = (codePoint: number): boolean => codePoint < 0x250 || codePoint === 0x27e8 || codePoint === 0x27e9;

describe('displayable text for the PDF report', () => {
  it('escapes zero-width, bidi, control and unsupported characters, and nothing else', () => {
    const show = displayableText([latinOnly]);
    expect(show('a\u200bb')).toBe('a\u27e8U+200B\u27e9b');
    expect(show('invoice\u202eexe.pdf')).toBe('invoice\u27e8U+202E\u27e9exe.pdf');
    expect(show('\u2066x\u2069\ufeff')).toBe('\u27e8U+2066\u27e9x\u27e8U+2069\u27e9\u27e8U+FEFF\u27e9');
    expect(show('bell\u0007tab\tesc\u001b')).toBe('bell\u27e8U+0007\u27e9tab\u27e8U+0009\u27e9esc\u27e8U+001B\u27e9');
    expect(show('\u4e2d \ud83d\ude00')).toBe('\u27e8U+4E2D\u27e9 \u27e8U+1F600\u27e9');
    expect(show('Caf\u00e9 #3, ok\nnext line')).toBe('Caf\u00e9 #3, ok\nnext line');
  });

  it('is idempotent, so text that passed once can pass again unchanged', () => {
    const show = displayableText([latinOnly]);
    const once = show('x\u200b\u202e\u4e2d\u0000');
    expect(show(once)).toBe(once);
  });

  it('falls back to <U+XXXX> when a font has no angle brackets', () => {
    const show = displayableText([(codePoint) => codePoint < 0x80]);
    expect(show('a\u200bb\u00e9')).toBe('a<U+200B>b<U+00E9>');
  });

  const fonts = findReportFonts();
  it.skipIf(!fonts.regular)('reads the glyph coverage of the embedded font: Greek is drawn, CJK is not', () => {
    const doc = new PDFDocument();
    doc.registerFont('body', fonts.regular!);
    const hasGlyph = fontGlyphCheck(doc, 'body');
    expect(hasGlyph('\u03a9'.codePointAt(0)!)).toBe(true);
    expect(hasGlyph('\u4e2d'.codePointAt(0)!)).toBe(false);
    expect(displayableText([hasGlyph])('\u03a9\u4e2d')).toBe('\u03a9\u27e8U+4E2D\u27e9');
  });

  it('reads the coverage of the built-in Helvetica: Windows-1252 only', () => {
    const hasGlyph = fontGlyphCheck(new PDFDocument(), 'Helvetica');
    expect(hasGlyph('\u00e9'.codePointAt(0)!)).toBe(true);
    expect(hasGlyph('\u20ac'.codePointAt(0)!)).toBe(true);
    expect(hasGlyph('\u03a9'.codePointAt(0)!)).toBe(false);
  });
});
