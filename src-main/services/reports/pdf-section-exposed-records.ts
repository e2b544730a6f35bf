// The PDF report's most exposed records: for each run a row of thumbnails of the records it scores highest, each
// with its audit rank, id and membership; ids too long for a thumbnail caption, and captions, are listed in full.
import { pageMargin, type PdfLayout } from './pdf-layout';
import type { AuditReport, ReportRun } from './report-model';

const thumbnailSize = 56;
const thumbnailGap = 12;
/** Lines of a record id under its thumbnail; a longer id is listed in full below the thumbnails. */
const thumbnailCaptionLines = 3;
const captionFontSize = 7;

export function writeExposedRecords(layout: PdfLayout, report: AuditReport): void {
  layout.heading('Most exposed records', 18);
  // The rank printed is the reader's (engine/metrics/audit-rank.ts), the same as the CSV's audit_rank and the app's.
  layout.paragraph(
    'The records each attack scores highest: the ones most likely to be identified as training data. Rank #n means n − 1 audited records score strictly higher; tied scores share a rank, and calibration records are not ranked.',
  );
  for (const run of report.runs) writeRunThumbnails(layout, run);
}

function writeRunThumbnails({ doc, body, width, show, runLabel, heading, paragraph, ensureSpace }: PdfLayout, run: ReportRun): void {
  const captionWidth = thumbnailSize + 8;
  doc.font(body).fontSize(captionFontSize);
  const captionHeight = thumbnailCaptionLines * doc.currentLineHeight(true);
  ensureSpace(thumbnailSize + captionHeight + 60);
  heading(runLabel(run), 12);
  let x = pageMargin;
  const top = doc.y;
  let bottom = top + thumbnailSize;
  const listedInFull: typeof run.exposed.items = [];
  for (const item of run.exposed.items) {
    if (x + thumbnailSize > pageMargin + width) break;
    if (item.thumbnail) doc.image(Buffer.from(item.thumbnail), x, top, { fit: [thumbnailSize, thumbnailSize] });
    const caption = show(`#${item.rank} ${item.key}`);
    doc.font(body).fontSize(captionFontSize);
    // A long id is cut with an ellipsis here so that it cannot run into the next section, and listed whole below.
    if (doc.heightOfString(caption, { width: captionWidth }) > captionHeight + 0.5 || item.caption) listedInFull.push(item);
    doc.text(caption, x, top + thumbnailSize + 2, { width: captionWidth, height: captionHeight, ellipsis: true });
    doc.text(item.member === null ? 'member ?' : item.member ? 'member' : 'non-member', x, top + thumbnailSize + 2 + captionHeight, {
      width: captionWidth,
      lineBreak: false,
    });
    bottom = Math.max(bottom, doc.y);
    x += thumbnailSize + thumbnailGap;
  }
  doc.x = pageMargin;
  doc.y = bottom + 12;
  for (const item of listedInFull) paragraph(`#${item.rank} ${item.key}${item.caption ? ` — caption: ${item.caption}` : ''}`);
}
