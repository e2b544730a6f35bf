// Makes text safe to show to a person: control, invisible, zero-width and bidirectional-override characters are
// written as ⟨U+XXXX⟩, so a record id can neither hide characters, reorder what is shown nor drive a terminal.
// The CSV export and the PDF report both use this; the PDF also passes the glyphs its font lacks.

/** C0 and C1 controls and DEL (tab, line feed and carriage return are the caller's to handle). */
export function isControlCharacter(codePoint: number): boolean {
  return (codePoint < 0x20 && codePoint !== 0x09 && codePoint !== 0x0a && codePoint !== 0x0d) || (codePoint >= 0x7f && codePoint <= 0x9f);
}

/**
 * Characters that show nothing, or change how their neighbours are shown: soft hyphen, combining grapheme joiner,
 * Arabic letter mark, Hangul fillers, Mongolian vowel separator, zero-width spaces and joiners, bidi marks, embeddings,
 * overrides and isolates, invisible operators, the byte-order mark, variation selectors, interlinear annotation
 * and tag characters.
 */
export function isInvisibleCharacter(codePoint: number): boolean {
  return (
    codePoint === 0x00ad ||
    codePoint === 0x034f ||
    codePoint === 0x061c ||
    codePoint === 0x115f ||
    codePoint === 0x1160 ||
    codePoint === 0x17b4 ||
    codePoint === 0x17b5 ||
    codePoint === 0x180e ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x2028 && codePoint <= 0x202e) ||
    (codePoint >= 0x2060 && codePoint <= 0x206f) ||
    codePoint === 0x3164 ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
    codePoint === 0xfeff ||
    codePoint === 0xffa0 ||
    (codePoint >= 0xfff9 && codePoint <= 0xfffb) ||
    (codePoint >= 0xe0000 && codePoint <= 0xe0fff) ||
    (codePoint >= 0xd800 && codePoint <= 0xdfff) // a lone surrogate: not a character at all
  );
}

/** `⟨U+200B⟩`; with `ascii`, `<U+200B>` for fonts without the angle brackets. */
export function codePointLabel(codePoint: number, ascii = false): string {
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return ascii ? `<U+${hex}>` : `\u27e8U+${hex}\u27e9`;
}

/** Replaces every character for which `hide` is true by its code-point label; text with none comes back as it was. */
export function escapeCharacters(text: string, hide: (codePoint: number) => boolean, ascii = false): string {
  // Copies only from the first hidden character on: the CSV export calls this for every cell of 100,000s of rows.
  let out: string | null = null;
  let copiedUpTo = 0;
  for (let i = 0; i < text.length;) {
    const codePoint = text.codePointAt(i)!;
    const length = codePoint > 0xffff ? 2 : 1;
    if (hide(codePoint)) {
      out = (out ?? '') + text.slice(copiedUpTo, i) + codePointLabel(codePoint, ascii);
      copiedUpTo = i + length;
    }
    i += length;
  }
  return out === null ? text : out + text.slice(copiedUpTo);
}
