// The PDF report: title page, executive summary (validity warnings first), methodology, charts (ROC log–log
// overlay, score histograms, per-class AUC), the most exposed records with thumbnails, and an environment
// appendix. Charts are the renderer's own option builders rendered to SVG, so the PDF shows what the app shows.
// Every string drawn goes through `show` (pdf-text.ts): ids and captions cannot hide characters or print as boxes.
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { chartPalette } from '../../../src-shared/charts/chart-option';
import { formatInterval, formatMetric } from '../../../src-shared/presentation/format';
import { histogramOption } from '../../../src-shared/charts/histogram-option';
import { rocOption } from '../../../src-shared/charts/roc-option';
import { chartToSvg } from './chart-svg';
import { displayableText, fontGlyphCheck } from './pdf-text';
import { findReportFonts } from './report-fonts';
import { metricOf, type AuditReport, type ReportRun } from './report-model';

const pageMargin = 50;
/** Footer titles are cut to this many characters: the footer is one line. */
const footerTitleLength = 80;
/** Lines of a record id under its thumbnail; a longer id is listed in full below the thumbnails. */
const thumbnailCaptionLines = 3;
const palette = chartPalette('light');

function runLabel(run: ReportRun): string {
  return `#${run.details.run.id} ${run.details.run.attack}`;
}

export async function writePdfReport(report: AuditReport, file: string): Promise<void> {
  const fonts = findReportFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: pageMargin,
    bufferPages: true,
    info: { Title: report.title, Creator: `MIA Workbench ${report.workbenchVersion}`, Producer: 'MIA Workbench', CreationDate: new Date(report.generatedAt) },
  });
  const body = fonts.regular ? 'body' : 'Helvetica';
  const bold = fonts.bold ? 'bold' : 'Helvetica-Bold';
  if (fonts.regular) doc.registerFont('body', fonts.regular);
  if (fonts.bold) doc.registerFont('bold', fonts.bold);
  const done = new Promise<void>((resolve, reject) => {
    const stream = fs.createWriteStream(file);
    stream.on('finish', () => resolve());
    stream.on('error', reject);
    doc.pipe(stream);
  });
  const width = doc.page.width - 2 * pageMargin;
  const show = displayableText([fontGlyphCheck(doc, body), fontGlyphCheck(doc, bold)]);
  const label = (run: ReportRun): string => show(runLabel(run));

  const heading = (text: string, size = 16): void => {
    doc.moveDown(0.6).font(bold).fontSize(size).fillColor('#1b1f24').text(show(text), { width }).moveDown(0.3).font(body).fontSize(10);
  };
  const paragraph = (text: string): void => {
    doc.font(body).fontSize(10).fillColor('#1b1f24').text(show(text), { width }).moveDown(0.3);
  };
  const ensureSpace = (height: number): void => {
    if (doc.y + height > doc.page.height - pageMargin) doc.addPage();
  };
  const table = (columns: { title: string; width: number }[], rows: string[][]): void => {
    const drawRow = (rawCells: string[], font: string): void => {
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
        doc.font(font).fontSize(9).text(cell, x, y, { width: columns[i]!.width - 4 });
        x += columns[i]!.width;
      });
      doc.y = y + tallest + 4;
      doc.x = pageMargin;
    };
    drawRow(columns.map((c) => c.title), bold);
    for (const row of rows) drawRow(row, body);
    doc.moveDown(0.5);
  };
  /** Renders a chart option at the page's content width (1 SVG px = 1 pt, so nothing is scaled or clipped). */
  const chart = (option: Parameters<typeof chartToSvg>[0], height: number): void => {
    ensureSpace(height + 10);
    const svg = chartToSvg(option, width, height);
    // Chart text uses the report's embedded fonts rather than PDF's built-in Helvetica.
    const fontCallback = (_family: string, isBold: boolean): string => (isBold ? bold : body);
    SVGtoPDF(doc, svg, pageMargin, doc.y, { width, height, assumePt: true, fontCallback });
    doc.y += height + 10;
    doc.x = pageMargin;
    doc.font(body).fontSize(10); // svg-to-pdfkit leaves its own font selected
  };

  // ---- title page
  doc.font(bold).fontSize(26).text(show(report.title), { width }).moveDown(0.5);
  doc.font(body).fontSize(12);
  const targets = [...new Set(report.runs.map((r) => r.details.targetModelName ?? `model ${r.details.run.targetModelId}`))];
  const datasets = [...new Set(report.runs.map((r) => r.details.datasetName ?? `dataset ${r.details.run.datasetId}`))];
  paragraph(`Audited model${targets.length > 1 ? 's' : ''}: ${targets.join(', ')}`);
  paragraph(`Data: ${datasets.join(', ')}`);
  paragraph(`Attacks: ${report.runs.map(label).join(', ')}`);
  paragraph(`Generated ${report.generatedAt} by MIA Workbench ${report.workbenchVersion}.`);
  if (!fonts.regular) paragraph('Note: no TrueType font was found, so this PDF uses the built-in Helvetica, which is not embedded.');

  // ---- executive summary
  doc.addPage();
  heading('Executive summary', 18);
  const warnings = report.runs.flatMap((run) => run.details.checks.filter((c) => c.status === 'warn').map((c) => ({ run, check: c })));
  if (warnings.length > 0) {
    heading('Validity warnings', 13);
    for (const { run, check } of warnings) paragraph(`${runLabel(run)} — ${check.kind}: ${check.message}`);
  } else {
    paragraph('No validity check warned: the polarity, null-model and blind-baseline checks that could run found nothing suspicious.');
  }
  // The worst case is taken over runs whose validity checks all passed: a flagged run's figure may measure
  // something other than memorisation, and it is listed above instead.
  const trusted = report.runs.filter((run) => !run.details.checks.some((c) => c.status === 'warn'));
  const candidates = trusted.length > 0 ? trusted : report.runs;
  const worst = [...candidates].sort((a, b) => (metricOf(b, 'tpr@0.01')?.value ?? -1) - (metricOf(a, 'tpr@0.01')?.value ?? -1))[0]!;
  paragraph(
    `Worst case${trusted.length > 0 && trusted.length < report.runs.length ? ' among runs without validity warnings' : ''}: ${runLabel(worst)} identifies ${formatMetric(metricOf(worst, 'tpr@0.01')?.value)} of members at 1 % false positives (AUC ${formatMetric(metricOf(worst, 'auc')?.value)}).`,
  );
  table(
    [
      { title: 'Run', width: 95 },
      { title: 'AUC', width: 45 },
      { title: 'AUC 95 % CI', width: 85 },
      { title: 'TPR@0.1%FPR', width: 65 },
      { title: 'TPR@1%FPR', width: 60 },
      { title: 'TPR@1% CI', width: 80 },
      { title: 'TPR@10%FPR', width: 65 },
    ],
    report.runs.map((run) => {
      const auc = metricOf(run, 'auc');
      const tpr1 = metricOf(run, 'tpr@0.01');
      return [
        runLabel(run),
        formatMetric(auc?.value),
        formatInterval(auc?.ciLow, auc?.ciHigh),
        formatMetric(metricOf(run, 'tpr@0.001')?.value),
        formatMetric(tpr1?.value),
        formatInterval(tpr1?.ciLow, tpr1?.ciHigh),
        formatMetric(metricOf(run, 'tpr@0.1')?.value),
      ];
    }),
  );
  paragraph('"n/a": the audit set has too few non-members for that false-positive rate to be measured (fewer than 1/α).');

  // ---- methodology
  doc.addPage();
  heading('Methodology', 18);
  for (const run of report.runs) {
    ensureSpace(120);
    heading(`${runLabel(run)} — ${run.attackTitle}`, 12);
    paragraph(run.attackDescription);
    const config = run.details.config as { params?: unknown; seed?: unknown };
    paragraph(`Parameters: ${JSON.stringify(config.params ?? {})}; seed ${String(config.seed ?? 'n/a')}.`);
    paragraph(`Target model SHA-256 ${run.targetSha256}; models hash ${run.modelHash}; data hash ${run.dataHash}; engine ${run.engineVersion}; ${run.details.run.modelCalls} model calls.`);
    for (const check of run.details.checks) paragraph(`Check ${check.kind} (${check.status}): ${check.message}`);
  }

  // ---- charts
  doc.addPage();
  heading('ROC curves (log–log)', 18);
  chart(
    rocOption(
      report.runs.map((run) => ({ name: label(run), fpr: run.curves.roc.fpr, tpr: run.curves.roc.tpr, members: run.curves.members, nonMembers: run.curves.nonMembers })),
      palette,
    ),
    380,
  );
  heading('Score distributions', 14);
  for (const run of report.runs) {
    chart(histogramOption(run.curves.histogram, palette, label(run)), 220);
  }
  const perClassRuns = report.runs.filter((run) => run.curves.perClass.length > 0);
  if (perClassRuns.length > 0) {
    heading('AUC per class', 14);
    const classes = perClassRuns[0]!.curves.perClass;
    table(
      [{ title: 'Class', width: 110 }, ...perClassRuns.map((run) => ({ title: label(run), width: Math.min(90, (width - 110) / perClassRuns.length) }))],
      classes.map((entry) => [
        entry.className ?? String(entry.classIndex),
        ...perClassRuns.map((run) => formatMetric(run.curves.perClass.find((c) => c.classIndex === entry.classIndex)?.auc ?? null)),
      ]),
    );
  }

  // ---- most exposed records
  doc.addPage();
  heading('Most exposed records', 18);
  // The rank printed is the reader's (engine/metrics/audit-rank.ts), the same as the CSV's audit_rank and the app's.
  paragraph(
    'The records each attack scores highest: the ones most likely to be identified as training data. Rank #n means n − 1 audited records score strictly higher; tied scores share a rank, and calibration records are not ranked.',
  );
  for (const run of report.runs) {
    const size = 56;
    const captionWidth = size + 8;
    doc.font(body).fontSize(7);
    const captionHeight = thumbnailCaptionLines * doc.currentLineHeight(true);
    ensureSpace(size + captionHeight + 60);
    heading(label(run), 12);
    let x = pageMargin;
    const top = doc.y;
    let bottom = top + size;
    const listedInFull: typeof run.exposed.items = [];
    for (const item of run.exposed.items) {
      if (x + size > pageMargin + width) break;
      if (item.thumbnail) doc.image(Buffer.from(item.thumbnail), x, top, { fit: [size, size] });
      const caption = show(`#${item.rank} ${item.key}`);
      doc.font(body).fontSize(7);
      // A long id is cut with an ellipsis here so that it cannot run into the next section, and listed whole below.
      if (doc.heightOfString(caption, { width: captionWidth }) > captionHeight + 0.5 || item.caption) listedInFull.push(item);
      doc.text(caption, x, top + size + 2, { width: captionWidth, height: captionHeight, ellipsis: true });
      doc.text(item.member === null ? 'member ?' : item.member ? 'member' : 'non-member', x, top + size + 2 + captionHeight, { width: captionWidth, lineBreak: false });
      bottom = Math.max(bottom, doc.y);
      x += size + 12;
    }
    doc.x = pageMargin;
    doc.y = bottom + 12;
    for (const item of listedInFull) paragraph(`#${item.rank} ${item.key}${item.caption ? ` — caption: ${item.caption}` : ''}`);
  }

  // ---- appendix
  doc.addPage();
  heading('Appendix: environment', 18);
  table(
    [
      { title: 'Item', width: 150 },
      { title: 'Value', width: width - 150 },
    ],
    Object.entries(report.environment),
  );

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // The footer sits inside the bottom margin; with the margin in force pdfkit would start a new page for it.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const title = show(report.title.length > footerTitleLength ? `${report.title.slice(0, footerTitleLength - 1)}…` : report.title);
    doc.font(body).fontSize(8).fillColor('#5b6470').text(`${title} — page ${i + 1} of ${range.count}`, pageMargin, doc.page.height - pageMargin + 15, {
      width,
      align: 'center',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await done;
}
