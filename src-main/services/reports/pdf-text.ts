// The one place that turns a string into text the PDF report can show: invisible, zero-width, bidi and control
// characters, and characters the report's fonts have no glyph for, become ⟨U+XXXX⟩ labels instead of vanishing,
// reordering the line or printing as empty boxes. Every string the report draws (charts included) passes through it.
import { escapeCharacters, isControlCharacter, isInvisibleCharacter } from '../../common/visible-text';

export type GlyphCheck = (codePoint: number) => boolean;

/** What pdfkit keeps as the current font: a fontkit font (embedded TrueType) or an AFM font (built-in Helvetica). */
interface LoadedFont {
  hasGlyphForCodePoint?: (codePoint: number) => boolean;
  characterToGlyph?: (charCode: number) => string;
}

/**
 * Which code points a registered font can draw. pdfkit does not expose its font's character map, so this reads the
 * font object pdfkit holds (`_font.font`); should that ever change, it falls back to printable ASCII, which every
 * font has, so the report stays readable rather than wrong.
 */
export function fontGlyphCheck(doc: PDFKit.PDFDocument, fontName: string): GlyphCheck {
  doc.font(fontName);
  const holder: unknown = Reflect.get(doc, '_font');
  const font = isFontHolder(holder) ? holder.font : undefined;
  if (typeof font?.hasGlyphForCodePoint === 'function') return (codePoint) => font.hasGlyphForCodePoint!(codePoint);
  if (typeof font?.characterToGlyph === 'function')
    return (codePoint) => codePoint <= 0xffff && font.characterToGlyph!(codePoint) !== '.notdef';
  return (codePoint) => codePoint >= 0x20 && codePoint < 0x7f;
}

function isFontHolder(value: unknown): value is { font?: LoadedFont } {
  return typeof value === 'object' && value !== null && 'font' in value && typeof value.font === 'object' && value.font !== null;
}

/** A function from any string to text that every one of `fonts` can draw; applying it twice changes nothing. */
export function displayableText(fonts: readonly GlyphCheck[]): (text: string) => string {
  const drawable = (codePoint: number): boolean => fonts.every((hasGlyph) => hasGlyph(codePoint));
  // The labels' own brackets must be drawable too, else `<U+200B>`.
  const ascii = !drawable(0x27e8) || !drawable(0x27e9);
  // Line feeds are kept: pdfkit breaks the line there, so nothing is hidden.
  const hide = (codePoint: number): boolean =>
    codePoint !== 0x0a &&
    (isControlCharacter(codePoint) || codePoint === 0x09 || codePoint === 0x0d || isInvisibleCharacter(codePoint) || !drawable(codePoint));
  return (text) => escapeCharacters(text, hide, ascii);
}
