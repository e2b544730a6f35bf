// The PDF report's most exposed records: for each run a row of thumbnails of the records it scores highest, then a
// table of the same records with rank, id, score, ground truth and class or caption, and a note when tied scores
// decide their order (ranks follow engine/metrics/audit-rank.ts; ties are listed by record id).
import { formatCount, formatScore } from '../../../src-shared/presentation/format';
import { pageMargin, type PdfLayout } from './pdf-layout';
import type { AuditReport, ReportRun } from './report-model';
import { isSetLevelRun } from './report-verdict';

const thumbnailSize = 52;
const thumbnailGap = 10;
const captionFontSize = 7;

export function writeExposedRecords(layout: PdfLayout, report: AuditReport): void {
  layout.heading('Most exposed records', 18, 160);
  // The rank printed is the reader's (engine/metrics/audit-rank.ts), the same as the CSV's audit_rank and the app's.
  layout.paragraph(
    'The records each attack scores highest: the ones most likely to be identified as training data. Rank #n means n − 1 audited records score strictly higher; tied scores share a rank and are listed by record id, and calibration records are not ranked.',
  );
  // A set-level run ranks no audited records: its result is in its own section.
  for (const run of report.runs.filter((candidate) => !isSetLevelRun(candidate.details))) writeRunRecords(layout, run);
}

/** The sentence that says ties, not scores, order the list; null when the listed records all differ. */
export function tieNote(run: ReportRun): string | null {
  if (run.topScoreTies > 1) return `${formatCount(run.topScoreTies)} records share the top score; their order is by record id.`;
  const ranks = run.exposed.items.map((item) => item.rank);
  return new Set(ranks).size < ranks.length
    ? 'Some listed records share a score; records with equal scores are listed by record id.'
    : null;
}

/**
 * Scores as the table prints them: four significant digits, unless that would print two records of different rank
 * alike (confidences of 0.99997 and 0.99995 both read "1.000"), when every score of the run gets ten.
 */
function scoreTexts(items: ReportRun['exposed']['items']): string[] {
  const short = items.map((item) => formatScore(item.score));
  const ambiguous = items.some((item, i) => i > 0 && item.rank !== items[i - 1]!.rank && short[i] === short[i - 1]);
  return ambiguous ? items.map((item) => item.score.toPrecision(10)) : short;
}

function writeRunRecords(layout: PdfLayout, run: ReportRun): void {
  const { doc, body, width, show, runLabel, heading, paragraph, table } = layout;
  const items = run.exposed.items;
  heading(runLabel(run), 11, thumbnailSize + 90);
  if (items.length === 0) {
    paragraph('No audited records were scored.');
    return;
  }
  const withThumbnails = items.filter((item) => item.thumbnail);
  if (withThumbnails.length > 0) {
    const top = doc.y;
    let x = pageMargin;
    for (const item of withThumbnails) {
      if (x + thumbnailSize > pageMargin + width) break;
      doc.image(Buffer.from(item.thumbnail!), x, top, { fit: [thumbnailSize, thumbnailSize] });
      doc
        .font(body)
        .fontSize(captionFontSize)
        .text(show(`#${item.rank}`), x, top + thumbnailSize + 2, { width: thumbnailSize, lineBreak: false });
      x += thumbnailSize + thumbnailGap;
    }
    doc.x = pageMargin;
    doc.y = top + thumbnailSize + 14;
  }
  const captions = items.some((item) => item.caption !== null);
  const scores = scoreTexts(items);
  table(
    [
      { title: 'Rank', width: 40 },
      { title: 'Record id', width: captions ? 110 : 160 },
      { title: 'Score', width: 80 },
      { title: 'Ground truth', width: 70 },
      { title: captions ? 'Caption' : 'Class', width: width - (captions ? 300 : 350) },
    ],
    items.map((item, i) => [
      `#${item.rank}`,
      item.key,
      scores[i]!,
      item.member === null ? 'unknown' : item.member ? 'member' : 'non-member',
      captions ? (item.caption ?? '—') : (item.className ?? (item.label === null ? '—' : String(item.label))),
    ]),
  );
  const note = tieNote(run);
  if (note) paragraph(note, { size: 9, bold: true });
}
