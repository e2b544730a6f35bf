// The PDF report, section by section: cover (with the risk policy's verdict), executive summary (a verdict per target model), the charts (ROC log–log
// overlay, score histograms, per-class AUC), the empirical ε lower bound, precision at a prior, set-level inference, the most exposed records, methodology (verdict rules, parameters,
// checks, model identity), limitations, glossary and an environment appendix. Sections flow on from one another
// (only the cover has a page to itself); each heading keeps its first lines on its page. Each section has its own
// renderer, and all of them draw through one layout (pdf-layout.ts), so every string goes through `show`
// (pdf-text.ts) and ids and captions cannot hide characters or print as boxes.
import fs from 'node:fs';
import { createPdfLayout } from './pdf-layout';
import { writePageFooters } from './pdf-page-footers';
import { writeEnvironmentAppendix } from './pdf-section-environment-appendix';
import { writeExecutiveSummary } from './pdf-section-executive-summary';
import { writeExposedRecords } from './pdf-section-exposed-records';
import { writeGlossary } from './pdf-section-glossary';
import { writeLimitations } from './pdf-section-limitations';
import { writeMethodology } from './pdf-section-methodology';
import { writePerClassAuc } from './pdf-section-per-class-auc';
import { writePrecisionAtPrior } from './pdf-section-precision-at-prior';
import { writePrivacyBound } from './pdf-section-privacy-bound';
import { writeRocOverlay } from './pdf-section-roc-overlay';
import { writeScoreHistograms } from './pdf-section-score-histograms';
import { writeSetInference } from './pdf-section-set-inference';
import { writeTitlePage } from './pdf-section-title-page';
import { findReportFonts } from './report-fonts';
import type { AuditReport } from './report-model';

export async function writePdfReport(report: AuditReport, file: string): Promise<void> {
  const layout = createPdfLayout(report, findReportFonts());
  const { doc } = layout;
  const done = new Promise<void>((resolve, reject) => {
    const stream = fs.createWriteStream(file);
    stream.on('finish', () => resolve());
    stream.on('error', reject);
    doc.pipe(stream);
  });

  writeTitlePage(layout, report);
  doc.addPage();
  writeExecutiveSummary(layout, report);
  writeRocOverlay(layout, report);
  writeScoreHistograms(layout, report);
  writePerClassAuc(layout, report);
  writePrivacyBound(layout, report);
  writePrecisionAtPrior(layout, report);
  writeSetInference(layout, report);
  writeExposedRecords(layout, report);
  writeMethodology(layout, report);
  writeLimitations(layout, report);
  writeGlossary(layout);
  writeEnvironmentAppendix(layout, report);
  writePageFooters(layout, report.title);

  doc.end();
  await done;
}
