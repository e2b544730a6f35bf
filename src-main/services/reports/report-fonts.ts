// Fonts embedded in the PDF report: $MIA_REPORT_FONT (and $MIA_REPORT_FONT_BOLD), else DejaVu Sans from the system,
// and DejaVu Sans Mono for hashes. Without a TrueType font the report falls back to PDF's built-in Helvetica (and
// Courier for hashes), which are not embedded, and says so.
import fs from 'node:fs';

const candidates = {
  regular: [
    '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    '/usr/share/fonts/TTF/DejaVuSans.ttf',
    '/Library/Fonts/DejaVuSans.ttf',
    'C:\\Windows\\Fonts\\DejaVuSans.ttf',
  ],
  bold: [
    '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
    '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
    '/Library/Fonts/DejaVuSans-Bold.ttf',
    'C:\\Windows\\Fonts\\DejaVuSans-Bold.ttf',
  ],
  mono: [
    '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
    '/usr/share/fonts/TTF/DejaVuSansMono.ttf',
    '/Library/Fonts/DejaVuSansMono.ttf',
    'C:\\Windows\\Fonts\\DejaVuSansMono.ttf',
  ],
};

export interface ReportFonts {
  readonly regular: string | null;
  readonly bold: string | null;
  /** Fixed-width, for hashes (hexadecimal digits only), so that one fits on a line at a known size. */
  readonly mono: string | null;
}

export function findReportFonts(env: NodeJS.ProcessEnv = process.env): ReportFonts {
  const pick = (override: string | undefined, list: string[]): string | null => {
    if (override && fs.existsSync(override)) return override;
    return list.find((file) => fs.existsSync(file)) ?? null;
  };
  const regular = pick(env.MIA_REPORT_FONT, candidates.regular);
  return { regular, bold: pick(env.MIA_REPORT_FONT_BOLD, candidates.bold) ?? regular, mono: pick(undefined, candidates.mono) };
}
