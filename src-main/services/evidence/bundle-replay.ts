// `mia audit --replay BUNDLE`: checks the bundle, checks that every input file under the root (the recorded one, or
// `--data-root`) still has the SHA-256 its provenance records, runs each run's rebuilt audit config through the
// ordinary audit service, and compares the new scores with the bundle's, record by record. Both sides are written by
// the one scores-CSV writer, whose numbers are the shortest text that reads back as the same double (and "-0"), so
// equal text is equal bits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import { parseCsv } from '../../engine/data/csv';
import { readAuditConfig } from '../audit-config';
import { runAudit, type AuditHooks } from '../audit-service';
import type { Backend } from '../backend';
import { sha256OfFile } from '../model-files';
import { scoreColumns, writeScoresCsv } from '../reports/export-csv';
import type { KeySigner } from '../signing/installation-key';
import { bundleEntries } from './bundle-export';
import { bundleEntryText, readEvidenceBundle } from './bundle-format';
import { BundleProvenance } from './bundle-provenance';

export interface ReplayedRun {
  readonly bundleRunId: number;
  readonly attack: string;
  /** The new run in this workspace; null when the run could not be replayed. */
  readonly replayRunId: number | null;
  readonly identical: boolean;
  readonly records: number;
  /** The first record (in the bundle's score order) whose score differs, or that one side lacks. */
  readonly firstDifference: { recordKey: string; bundle: string | null; replay: string | null } | null;
  /** Why the run was not replayed (its inputs cannot be named by an audit config, or it did not finish). */
  readonly problem: string | null;
}

export interface ReplayReport {
  readonly file: string;
  readonly signer: KeySigner;
  readonly root: string;
  readonly identical: boolean;
  readonly runs: readonly ReplayedRun[];
}

export async function replayEvidenceBundle(
  backend: Backend,
  file: string,
  options: { dataRoot?: string; hooks?: AuditHooks } = {},
): Promise<ReplayReport> {
  const bundle = readEvidenceBundle(file);
  const provenance = parseWith(
    BundleProvenance,
    JSON.parse(bundleEntryText(bundle, bundleEntries.provenance)),
    `The provenance of ${bundle.file}`,
    'bundle.bad-provenance',
  );
  const root = options.dataRoot ? path.resolve(options.dataRoot) : provenance.root;
  await checkInputFiles(provenance, root);
  const expected = scoresByRun(bundleEntryText(bundle, bundleEntries.scores), `${bundle.file}:${bundleEntries.scores}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-replay-'));
  const runs: ReplayedRun[] = [];
  try {
    for (const run of provenance.runs) {
      const base = { bundleRunId: run.id, attack: run.attack };
      const configEntry = bundleEntries.auditConfig(run.id);
      if (!bundle.entries.has(configEntry)) {
        const why = JSON.parse(bundleEntryText(bundle, bundleEntries.runConfig(run.id))) as { notReplayable?: unknown };
        runs.push({
          ...base,
          replayRunId: null,
          identical: false,
          records: 0,
          firstDifference: null,
          problem: String(why.notReplayable ?? 'no audit config'),
        });
        continue;
      }
      // Through the config reader, so the rebuilt config meets every check a hand-written one does.
      const configFile = path.join(scratch, `run-${run.id}.audit.json`);
      fs.writeFileSync(configFile, bundleEntryText(bundle, configEntry));
      const { config } = readAuditConfig(configFile);
      options.hooks?.onStep?.(`Replaying run ${run.id} (${run.attack}, seed ${run.seed}) …`);
      const [replayed] = await runAudit(backend, config, root, options.hooks);
      if (!replayed || replayed.status !== 'finished') {
        runs.push({
          ...base,
          replayRunId: replayed?.id ?? null,
          identical: false,
          records: 0,
          firstDifference: null,
          problem: `the replay ended ${replayed?.status ?? 'without a run'}`,
        });
        continue;
      }
      const replayCsv = path.join(scratch, `run-${run.id}.scores.csv`);
      writeScoresCsv(backend.db, [replayed.id], replayCsv);
      const got = scoresByRun(fs.readFileSync(replayCsv, 'utf8'), replayCsv).get(String(replayed.id)) ?? new Map<string, string>();
      runs.push({ ...base, replayRunId: replayed.id, ...compareScores(expected.get(String(run.id)) ?? new Map(), got), problem: null });
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return { file: bundle.file, signer: bundle.signer, root, identical: runs.every((run) => run.identical), runs };
}

/** Every file the bundle's runs read must be where the root puts it, with the SHA-256 the provenance records. */
async function checkInputFiles(provenance: BundleProvenance, root: string): Promise<void> {
  const files = new Map<string, string>();
  for (const dataset of provenance.datasets) {
    if (dataset.source.sha256) files.set(dataset.source.path, dataset.source.sha256);
    for (const record of dataset.records) if (record.file) files.set(record.file.path, record.file.sha256);
  }
  for (const model of provenance.models) for (const entry of model.files) files.set(entry.path, entry.sha256);
  for (const [relative, recorded] of files) {
    const file = path.join(root, ...relative.split('/'));
    if (!fs.existsSync(file)) {
      throw new MiaError(
        'replay.file-missing',
        `Cannot replay: ${file} is missing (the bundle's provenance lists ${relative} under ${root}). Use --data-root DIR to say where the audit's files are.`,
        { file },
      );
    }
    const actual = await sha256OfFile(file);
    if (actual !== recorded) {
      throw new MiaError(
        'replay.file-changed',
        `Cannot replay: ${file} is not the file the audit used; its SHA-256 is ${actual}, the bundle's provenance records ${recorded}.`,
        { file, expected: recorded, actual },
      );
    }
  }
}

/** run id → record key → score, as the scores CSV writes them, in the file's (highest score first) order. */
function scoresByRun(text: string, fileName: string): Map<string, Map<string, string>> {
  const [header, ...rows] = parseCsv(text, fileName);
  const column = (name: (typeof scoreColumns)[number]): number => header?.fields.indexOf(name) ?? -1;
  const [runColumn, keyColumn, scoreColumn] = [column('run_id'), column('record_key'), column('score')];
  if (runColumn < 0 || keyColumn < 0 || scoreColumn < 0) {
    throw new MiaError('bundle.bad-scores', `${fileName} lacks the run_id, record_key or score column.`, { file: fileName });
  }
  const byRun = new Map<string, Map<string, string>>();
  for (const row of rows) {
    const runId = row.fields[runColumn]!;
    if (!byRun.has(runId)) byRun.set(runId, new Map());
    byRun.get(runId)!.set(row.fields[keyColumn]!, row.fields[scoreColumn]!);
  }
  return byRun;
}

function compareScores(
  expected: ReadonlyMap<string, string>,
  got: ReadonlyMap<string, string>,
): Pick<ReplayedRun, 'identical' | 'records' | 'firstDifference'> {
  for (const [recordKey, score] of expected) {
    const replay = got.get(recordKey) ?? null;
    if (replay !== score) return { identical: false, records: expected.size, firstDifference: { recordKey, bundle: score, replay } };
  }
  for (const [recordKey, replay] of got) {
    if (!expected.has(recordKey)) return { identical: false, records: expected.size, firstDifference: { recordKey, bundle: null, replay } };
  }
  return { identical: expected.size > 0, records: expected.size, firstDifference: null };
}
