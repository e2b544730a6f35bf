// The PDF report's shared page layout: fonts, content width, page breaks, headings, paragraphs, tables and charts,
// and `show` (pdf-text.ts), through which every string drawn passes. Each section renderer draws only through this.
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { paperPalette, type ChartPalette, type WorkbenchChartOption } from '../../../src-shared/charts/chart-option';
import { chartToSvg } from './chart-svg';
import { displayableText, fontGlyphCheck } from './pdf-text';
import type { ReportFonts } from './report-fonts';
import type { AuditReport, ReportRun } from './report-model';

export const pageMargin = 50;
const textColour = '#1b1f24';

export interface TableColumn {
  readonly title: string;
  readonly width: number;
}

/** Table text starts at this size and shrinks, down to `minTableFontSize`, until its longest word fits its column. */
const tableFontSize = 9;
const minTableFontSize = 6;
/** Room a heading keeps below itself on its page, so that it is never left alone at the foot of a page. */
const headingKeep = 60;

export interface ParagraphOptions {
  readonly size?: number;
  readonly bold?: boolean;
  readonly colour?: string;
  /** Words in bold that open the paragraph ("Sample size."). */
  readonly lead?: string;
}

export interface PdfLayout {
  readonly doc: PDFKit.PDFDocument;
  /** Registered font names: the embedded TrueType fonts, or PDF's built-in Helvetica when none was found. */
  readonly body: string;
  readonly bold: string;
  /** Fixed-width font for hashes (built-in Courier when no TrueType one was found). */
  readonly mono: string;
  readonly usesBuiltInFont: boolean;
  /** The content width between the left and right margins, in points. */
  readonly width: number;
  readonly palette: ChartPalette;
  readonly show: (text: string) => string;
  /** `#id name`, already displayable, so it can also go where `show` is not applied (chart series names). */
  readonly runLabel: (run: ReportRun) => string;
  /** `#id attack`, for chart legends where a run's full name would not fit; the summary maps ids to names. */
  readonly runShortLabel: (run: ReportRun) => string;
  /** A heading that keeps `keep` points of what follows on its page (by default a few lines). */
  readonly heading: (text: string, size?: number, keep?: number) => void;
  readonly paragraph: (text: string, options?: ParagraphOptions) => void;
  /** `label hash` on one line, the hash in the fixed-width font at a size that never breaks it; `after` follows it. */
  readonly hashLine: (label: string, hash: string, after?: string) => void;
  /** Starts a new page unless `height` points still fit above the bottom margin. */
  readonly ensureSpace: (height: number) => void;
  /** Rows never split across pages; the header row is drawn again on each page the table runs onto. */
  readonly table: (columns: readonly TableColumn[], rows: readonly (readonly string[])[]) => void;
  readonly chart: (option: WorkbenchChartOption, height: number) => void;
}

/** An A4 document for `report` with its pages buffered, so that footers can number them at the end. */
export function createPdfLayout(report: AuditReport, fonts: ReportFonts): PdfLayout {
  const doc = new PDFDocument({
    size: 'A4',
    margin: pageMargin,
    bufferPages: true,
    info: {
      Title: report.title,
      Creator: `MIA Workbench ${report.workbenchVersion}`,
      Producer: 'MIA Workbench',
      CreationDate: new Date(report.generatedAt),
    },
  });
  const body = fonts.regular ? 'body' : 'Helvetica';
  const bold = fonts.bold ? 'bold' : 'Helvetica-Bold';
  const mono = fonts.mono ? 'mono' : 'Courier';
  if (fonts.regular) doc.registerFont('body', fonts.regular);
  if (fonts.bold) doc.registerFont('bold', fonts.bold);
  if (fonts.mono) doc.registerFont('mono', fonts.mono);
  const width = doc.page.width - 2 * pageMargin;
  const show = displayableText([fontGlyphCheck(doc, body), fontGlyphCheck(doc, bold)]);

  const ensureSpace = (height: number): void => {
    if (doc.y + height > doc.page.height - pageMargin) doc.addPage();
  };
  const heading = (text: string, size = 16, keep = headingKeep): void => {
    doc.font(bold).fontSize(size);
    ensureSpace(doc.heightOfString(show(text), { width }) + size * 0.9 + keep);
    doc.moveDown(0.6).font(bold).fontSize(size).fillColor(textColour).text(show(text), { width }).moveDown(0.3).font(body).fontSize(10);
  };
  const paragraph = (text: string, options: ParagraphOptions = {}): void => {
    const size = options.size ?? 10;
    doc.fillColor(options.colour ?? textColour).fontSize(size);
    // A bold lead-in runs on into the paragraph's text on the same line.
    if (options.lead) doc.font(bold).text(`${show(options.lead)} `, { width, continued: true });
    doc
      .font(options.bold ? bold : body)
      .text(show(text), { width })
      .moveDown(0.3)
      .fillColor(textColour);
  };
  const hashLine = (label: string, hash: string, after = ''): void => {
    const shownLabel = `${show(label)} `;
    const shownHash = show(hash) + show(after);
    doc.font(body).fontSize(9);
    const labelWidth = doc.widthOfString(shownLabel);
    doc.font(mono).fontSize(9);
    // The hash keeps 9 pt when the line has room, else shrinks (to 6 pt at least) rather than break.
    const size = Math.max(6, Math.min(9, (9 * (width - labelWidth - 2)) / doc.widthOfString(shownHash)));
    ensureSpace(14);
    doc.font(body).fontSize(9).fillColor(textColour).text(shownLabel, { continued: true });
    doc.font(mono).fontSize(size).text(shownHash, { lineBreak: false });
    doc.font(body).fontSize(10).moveDown(0.4);
    doc.x = pageMargin;
  };
  /** The largest size up to `tableFontSize` at which the cell's longest word fits its column unbroken. */
  const fittedSize = (cell: string, font: string, cellWidth: number): number => {
    doc.font(font).fontSize(tableFontSize);
    const widest = Math.max(0, ...cell.split(/\s+/).map((word) => doc.widthOfString(word)));
    if (widest <= cellWidth) return tableFontSize;
    return Math.max(minTableFontSize, Math.floor(((tableFontSize * cellWidth) / widest) * 4) / 4);
  };
  const table = (columns: readonly TableColumn[], rows: readonly (readonly string[])[]): void => {
    const measure = (rawCells: readonly string[], font: string) => {
      const cells = rawCells.map(show);
      const sizes = cells.map((cell, i) => fittedSize(cell, font, columns[i]!.width - 4));
      const tallest = Math.max(
        ...cells.map((cell, i) =>
          doc
            .font(font)
            .fontSize(sizes[i]!)
            .heightOfString(cell, { width: columns[i]!.width - 4 }),
        ),
      );
      return { cells, sizes, tallest };
    };
    const drawRow = (row: ReturnType<typeof measure>, font: string, shaded: boolean): void => {
      const y = doc.y;
      if (shaded) {
        doc
          .rect(pageMargin, y - 2, width, row.tallest + 4)
          .fill('#eef1f4')
          .fillColor(textColour);
      }
      let x = pageMargin;
      row.cells.forEach((cell, i) => {
        doc
          .font(font)
          .fontSize(row.sizes[i]!)
          .fillColor(textColour)
          .text(cell, x + 2, y, { width: columns[i]!.width - 4 });
        x += columns[i]!.width;
      });
      doc.y = y + row.tallest + 4;
      doc.x = pageMargin;
    };
    const header = measure(
      columns.map((c) => c.title),
      bold,
    );
    const pageRoom = doc.page.height - 2 * pageMargin - 20;
    const first = rows.length > 0 ? measure(rows[0]!, body) : null;
    // The header goes with the first row; a row taller than a page starts on a fresh one and runs on.
    ensureSpace(Math.min(header.tallest + 4 + (first ? first.tallest + 4 : 0), pageRoom));
    drawRow(header, bold, true);
    for (const raw of rows) {
      const row = measure(raw, body);
      if (doc.y + Math.min(row.tallest + 4, pageRoom) > doc.page.height - pageMargin) {
        doc.addPage();
        drawRow(header, bold, true);
      }
      drawRow(row, body, false);
    }
    doc.moveDown(0.5);
  };
  /**
   * A chart title cut with an ellipsis to the content width, measured with the PDF's own bold font (ECharts measures
   * with its own metrics, and a title it thinks fits can still run off both sides on the page).
   */
  const fittedTitle = (text: string, size: number): string => {
    doc.font(bold).fontSize(size);
    if (doc.widthOfString(text) <= width - 24) return text;
    let kept = text;
    while (kept.length > 1 && doc.widthOfString(`${kept}…`) > width - 24) kept = kept.slice(0, -1);
    return `${kept.trimEnd()}…`;
  };
  /**
   * Renders a chart option at the page's content width (1 SVG px = 1 pt, so nothing is scaled or clipped); a title
   * too long for the width is cut with an ellipsis rather than running off both sides.
   */
  const chart = (option: WorkbenchChartOption, height: number): void => {
    ensureSpace(height + 10);
    const title = option.title && !Array.isArray(option.title) ? option.title : null;
    const fitted = title?.text
      ? { ...option, title: { ...title, text: fittedTitle(title.text, Number(title.textStyle?.fontSize ?? 12)) } }
      : option;
    const svg = chartToSvg(fitted, width, height);
    // Chart text uses the report's embedded fonts rather than PDF's built-in Helvetica.
    const fontCallback = (_family: string, isBold: boolean): string => (isBold ? bold : body);
    SVGtoPDF(doc, svg, pageMargin, doc.y, { width, height, assumePt: true, fontCallback });
    doc.y += height + 10;
    doc.x = pageMargin;
    doc.font(body).fontSize(10); // svg-to-pdfkit leaves its own font selected
  };

  return {
    doc,
    body,
    bold,
    mono,
    usesBuiltInFont: !fonts.regular,
    width,
    palette: paperPalette,
    show,
    runLabel: (run) => show(`#${run.details.run.id} ${run.details.run.name}`),
    runShortLabel: (run) => show(`#${run.details.run.id} ${run.details.run.attack}`),
    heading,
    paragraph,
    hashLine,
    ensureSpace,
    table,
    chart,
  };
}
