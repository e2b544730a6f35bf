// One ranking rule everywhere: for a run with tied scores and calibration records scoring above audited ones, the
// CSV's audit_rank, the PDF's most exposed records (read back with pdftotext) and the `runs.exposed` channel give
// every audited record the same rank: 1 + the audited records scoring strictly higher. Calibration records have none.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExposedRecords } from '../../src-shared/contract/contract';
import { runCli } from '../../src-main/cli/cli';
import { parseCsv } from '../../src-main/engine/data/csv';
import { createTestBackend } from '../helpers/in-process-bridge';
import { writeSyntheticRuns } from '../helpers/synthetic-runs';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-rank-agreement-');
const workspace = path.join(dir, 'workspace.sqlite');
const exported = path.join(dir, 'export');

// Written out by hand; ranks are the expectation, not computed by the code under test. The calibration records
// score highest of all and between audited ones: counting them, or ranking by position, gives other numbers.
const table = [
  { key: 'cal-top', role: 'calibration', score: 0.99, rank: null },
  { key: 'a-tie-x', role: 'audit', score: 0.9, rank: 1 },
  { key: 'a-tie-y', role: 'audit', score: 0.9, rank: 1 },
  { key: 'cal-mid', role: 'calibration', score: 0.85, rank: null },
  { key: 'a-third', role: 'audit', score: 0.8, rank: 3 },
  { key: 'a-four-x', role: 'audit', score: 0.7, rank: 4 },
  { key: 'a-four-y', role: 'audit', score: 0.7, rank: 4 },
  { key: 'a-four-z', role: 'audit', score: 0.7, rank: 4 },
  { key: 'a-seventh', role: 'audit', score: 0.6, rank: 7 },
  { key: 'a-eighth', role: 'audit', score: 0.5, rank: 8 },
  { key: 'a-ninth', role: 'audit', score: 0.4, rank: 9 },
] as const;
const expectedRank = new Map(table.map((row) => [row.key, row.rank]));

let runId = 0;
const { backend } = createTestBackend(dir, 'workspace.sqlite');
afterAll(() => backend.close());

const sink = (append: (text: string) => void) =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      append(chunk.toString());
      done();
    },
  });

beforeAll(async () => {
  const made = writeSyntheticRuns(workspace, {
    records: table.length,
    runs: 1,
    keys: table.map((row) => row.key),
    roles: table.map((row) => row.role),
    scores: table.map((row) => row.score),
  });
  runId = made.runIds[0]!;
  made.db.close();
  let err = '';
  const code = await runCli(
    [
      'export',
      String(runId),
      '--pdf',
      path.join(exported, 'report.pdf'),
      '--csv',
      path.join(exported, 'scores.csv'),
      '--workspace',
      workspace,
    ],
    sink(() => undefined),
    sink((text) => (err += text)),
  );
  if (code !== 0) throw new Error(`mia export failed: ${err}`);
}, 120_000);

describe('the rank of a record', () => {
  it('is 1 + the audited records scoring strictly higher in the CSV; calibration rows have an empty rank', () => {
    const [header, ...rows] = parseCsv(fs.readFileSync(path.join(exported, 'scores.csv'), 'utf8'), 'scores.csv');
    const column = (name: string) => header!.fields.indexOf(name);
    expect(column('audit_rank')).toBeGreaterThan(-1);
    const csvRanks = new Map(rows.map((row) => [row.fields[column('record_key')]!, row.fields[column('audit_rank')]!]));
    expect(csvRanks).toEqual(new Map(table.map((row) => [row.key, row.rank === null ? '' : String(row.rank)])));
  });

  it('is the same in the runs.exposed channel, which lists audited records only, highest first', async () => {
    const result = await backend.router.dispatch('runs.exposed', { runId, limit: 50 });
    if (!result.ok) throw new Error(result.error.message);
    const exposed = result.data as ExposedRecords;
    expect(exposed.scored).toBe(table.filter((row) => row.role === 'audit').length);
    expect(exposed.items.map((item) => [item.key, item.rank])).toEqual(
      table.filter((row) => row.role === 'audit').map((row) => [row.key, row.rank]),
    );
    // Only members: the ranks stay those among every audited record.
    const members = await backend.router.dispatch('runs.exposed', { runId, limit: 50, membersOnly: true });
    if (!members.ok) throw new Error(members.error.message);
    const memberItems = (members.data as ExposedRecords).items;
    expect(memberItems.length).toBeGreaterThan(0);
    for (const item of memberItems) expect(item.rank).toBe(expectedRank.get(item.key as (typeof table)[number]['key']));
  });

  it("is the same in the table of the PDF's most exposed records, which says when ties decide the order", () => {
    const text = execFileSync('pdftotext', ['-layout', path.join(exported, 'report.pdf'), '-'], { encoding: 'utf8' });
    const section = text.slice(text.indexOf('Most exposed records'), text.indexOf('Methodology'));
    // One table row per record: "#rank  record id  score  ground truth  class".
    const shown = [...section.matchAll(/^#(\d+)\s+(a-[a-z-]+|cal-[a-z]+)\s/gm)].map((match) => [match[2]!, Number(match[1])] as const);
    // The report lists the eight highest audited records of each run, in order, and never a calibration record.
    expect(shown).toEqual(
      table
        .filter((row) => row.role === 'audit')
        .slice(0, 8)
        .map((row) => [row.key, row.rank]),
    );
    expect(section).toContain('tied scores share a rank');
    expect(section).toContain('2 records share the top score; their order is by record id.');
  });
});
