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

export interface PdfLayout {
  readonly doc: PDFKit.PDFDocument;
  /** Registered font names: the embedded TrueType fonts, or PDF's built-in Helvetica when none was found. */
  readonly body: string;
  readonly bold: string;
  readonly usesBuiltInFont: boolean;
  /** The content width between the left and right margins, in points. */
  readonly width: number;
  readonly palette: ChartPalette;
  readonly show: (text: string) => string;
  /** `#id attack`, already displayable, so it can also go where `show` is not applied (chart series names). */
  readonly runLabel: (run: ReportRun) => string;
  readonly heading: (text: string, size?: number) => void;
  readonly paragraph: (text: string) => void;
  /** Starts a new page unless `height` points still fit above the bottom margin. */
  readonly ensureSpace: (height: number) => void;
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
  if (fonts.regular) doc.registerFont('body', fonts.regular);
  if (fonts.bold) doc.registerFont('bold', fonts.bold);
  const width = doc.page.width - 2 * pageMargin;
  const show = displayableText([fontGlyphCheck(doc, body), fontGlyphCheck(doc, bold)]);

  const ensureSpace = (height: number): void => {
    if (doc.y + height > doc.page.height - pageMargin) doc.addPage();
  };
  const heading = (text: string, size = 16): void => {
    doc.moveDown(0.6).font(bold).fontSize(size).fillColor(textColour).text(show(text), { width }).moveDown(0.3).font(body).fontSize(10);
  };
  const paragraph = (text: string): void => {
    doc.font(body).fontSize(10).fillColor(textColour).text(show(text), { width }).moveDown(0.3);
  };
  const table = (columns: readonly TableColumn[], rows: readonly (readonly string[])[]): void => {
    const drawRow = (rawCells: readonly string[], font: string): void => {
      const cells = rawCells.map(show);
      let tallest = 0;
      cells.forEach((cell, i) => {
        doc.font(font).fontSize(9);
        tallest = Math.max(tallest, doc.heightOfString(cell, { width: columns[i]!.width - 4 }));
      });
      // The whole row on one page (a row taller than a page starts on a fresh one and runs on).
      ensureSpace(Math.min(tallest + 4, doc.page.height - 2 * pageMargin - 20));
      const y = doc.y;
      let x = pageMargin;
      cells.forEach((cell, i) => {
        doc
          .font(font)
          .fontSize(9)
          .text(cell, x, y, { width: columns[i]!.width - 4 });
        x += columns[i]!.width;
      });
      doc.y = y + tallest + 4;
      doc.x = pageMargin;
    };
    drawRow(
      columns.map((c) => c.title),
      bold,
    );
    for (const row of rows) drawRow(row, body);
    doc.moveDown(0.5);
  };
  /** Renders a chart option at the page's content width (1 SVG px = 1 pt, so nothing is scaled or clipped). */
  const chart = (option: WorkbenchChartOption, height: number): void => {
    ensureSpace(height + 10);
    const svg = chartToSvg(option, width, height);
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
    usesBuiltInFont: !fonts.regular,
    width,
    palette: paperPalette,
    show,
    runLabel: (run) => show(`#${run.details.run.id} ${run.details.run.name}`),
    heading,
    paragraph,
    ensureSpace,
    table,
    chart,
  };
}
