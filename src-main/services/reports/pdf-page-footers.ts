// The PDF report's footers: the report's title and "page n of N" on every page, drawn once all pages exist.
import { pageMargin, type PdfLayout } from './pdf-layout';

/** Footer titles are cut to this many characters: the footer is one line. */
const footerTitleLength = 80;

export function writePageFooters({ doc, body, width, show }: PdfLayout, reportTitle: string): void {
  const title = show(reportTitle.length > footerTitleLength ? `${reportTitle.slice(0, footerTitleLength - 1)}…` : reportTitle);
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // The footer sits inside the bottom margin; with the margin in force pdfkit would start a new page for it.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(body)
      .fontSize(8)
      .fillColor('#5b6470')
      .text(`${title} — page ${i + 1} of ${range.count}`, pageMargin, doc.page.height - pageMargin + 15, {
        width,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
}
