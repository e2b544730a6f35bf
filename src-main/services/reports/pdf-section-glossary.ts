// The PDF report's glossary: the terms of the report in plain words, for a reader who is not a specialist.
import type { PdfLayout } from './pdf-layout';

const termWidth = 120;

const glossary: readonly [string, string][] = [
  ['Membership inference', "Guessing, from a model's outputs, whether a given record was part of the data the model was trained on."],
  ['Member', "A record that was in the target model's training data."],
  ['Non-member', 'A record that was not in the training data, used to see how the model treats data it never saw.'],
  ['Target model', 'The model under audit.'],
  ['Attack', 'A method that gives each record a score; a higher score means "more likely a member".'],
  [
    'AUC',
    'Area under the ROC curve: the chance that a random member scores higher than a random non-member. 0.5 is guessing, 1.0 is perfect separation.',
  ],
  ['TPR', 'True-positive rate: the share of members an attack identifies at a given threshold.'],
  ['FPR', 'False-positive rate: the share of non-members wrongly identified as members at that threshold.'],
  [
    'TPR at 1 % FPR',
    'The share of members identified when only 1 in 100 non-members is wrongly accused. Guessing gives 1 %; far more means some records are exposed with high confidence.',
  ],
  ['ROC curve', 'TPR against FPR over every threshold; drawn on log–log axes here so that low FPRs can be read.'],
  [
    'ε lower bound',
    "The smallest differential-privacy ε (at the stated δ) that the attack's errors are consistent with, at 95 % confidence. A model trained with a smaller ε could not have been attacked this well. 0 means no evidence of privacy loss.",
  ],
  [
    'Gaussian-DP μ',
    'One number for the whole ROC: the distance between two bell curves that would be as easy to tell apart as members and non-members are here. 0 is guessing; larger is more leakage.',
  ],
  [
    'Set-level inference',
    'A test of a whole suspect collection rather than single records: are its records, as a group, scored more member-like than non-members from the same distribution?',
  ],
  [
    'p-value',
    'How often a difference at least this large would appear if the suspects had not been trained on. Below 0.01 (1 %), the set is called detected.',
  ],
  [
    'Power curve',
    'For smaller suspect sets drawn from the audited one, the share that the test would detect: how many records a claim of use needs with that attack.',
  ],
  [
    'Confidence interval',
    'The range the figure would likely fall in if the audit were repeated with other records of the same kind; 95 % intervals here.',
  ],
  [
    'Shadow / reference model',
    'A model trained by the auditor on known data, like the target, so that an attack can learn how members and non-members behave.',
  ],
  [
    'Null model',
    'A model like the target that never saw the members. An attack that separates members on it measures a difference between the groups, not memorisation.',
  ],
  [
    'Blind baseline',
    'A score computed from the records alone, without the target model. If it separates members from non-members, the two groups differ in a way that has nothing to do with the model.',
  ],
  [
    'Polarity',
    "Whether an attack's scores point the right way (members higher). Scores that point the wrong way suggest a mistake in the set-up.",
  ],
  ['Calibration record', 'A record scored only to choose thresholds; it is not audited and not ranked.'],
  ['Rank', '1 + the number of audited records with a strictly higher score; tied records share a rank.'],
  ['Combined hash', "A SHA-256 computed over several files' own SHA-256 values; it identifies the set, and matches no single file."],
];

export function writeGlossary({ heading, table, width }: PdfLayout): void {
  heading('Glossary', 18);
  table(
    [
      { title: 'Term', width: termWidth },
      { title: 'Meaning', width: width - termWidth },
    ],
    glossary,
  );
}
