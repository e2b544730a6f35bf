import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvField, neutraliseFormula } from '../../../src-main/common/csv-write';
import { parseCsv } from '../../../src-main/engine/data/csv';
import { scoreColumns, writeMetricsCsv, writeScoresCsv } from '../../../src-main/services/reports/export-csv';
import { openWorkspace } from '../../../src-main/workspace/open-workspace';
import { createRun, finishRun, insertScores } from '../../../src-main/workspace/runs-repo';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir();

function seededWorkspace() {
  const db = openWorkspace(path.join(dir, `csv-${Math.random().toString(36).slice(2)}.sqlite`));
  const now = new Date().toISOString();
  const datasetId = Number(
    db
      .prepare(
        "INSERT INTO datasets (name, source_kind, source_path, root_path, status, created_at) VALUES ('d', 'manifest-csv', 'm.csv', '.', 'ready', ?)",
      )
      .run(now).lastInsertRowid,
  );
  const insertRecord = db.prepare(
    "INSERT INTO records (dataset_id, record_key, path, sha256, width, height, channels, label, member, role) VALUES (?, ?, ?, ?, 1, 1, 1, ?, ?, 'audit')",
  );
  const keys = ['=HYPERLINK("http://x","y")', 'plain', 'with,comma', '+1', '-2', '@SUM(A1)', 'quote"inside'];
  const recordIds = keys.map((key, i) => Number(insertRecord.run(datasetId, key, `${i}.png`, `hash${i}`, i % 3, i % 2).lastInsertRowid));
  const modelId = Number(
    db
      .prepare(
        "INSERT INTO models (name, kind, role, files, sha256, config, io, created_at) VALUES ('m', 'classifier', 'target', '{}', 'h', '{}', '{}', ?)",
      )
      .run(now).lastInsertRowid,
  );
  const runId = createRun(db, {
    attack: 'loss',
    family: 'classifier',
    targetModelId: modelId,
    datasetId,
    config: {},
    engineVersion: 't',
    modelHash: 'h',
    dataHash: 'd',
  });
  // Scores that stress the number format: negatives, tiny, many digits, and a tie.
  const scores = [-0.1, 0.30000000000000004, 1e-300, -123456.789012345, 0.5, 0.5, 2 / 3];
  insertScores(db, runId, recordIds, scores);
  finishRun(db, runId, {
    metrics: [
      { name: 'auc', value: 0.6180339887498949, ciLow: 0.5, ciHigh: 0.7 },
      { name: 'tpr@0.001', value: null, note: 'n/a: fewer than 1000 non-members' },
    ],
    checks: [],
    timings: {},
    modelCalls: 7,
  });
  return { db, runId, keys, scores, recordIds };
}

describe('CSV export', () => {
  it('neutralises cells that a spreadsheet would run as formulas, and quotes per RFC 4180', () => {
    expect(neutraliseFormula('=1+1')).toBe("'=1+1");
    expect(neutraliseFormula('@x')).toBe("'@x");
    expect(neutraliseFormula('safe')).toBe('safe');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(null)).toBe('');
  });

  it('neutralises fullwidth formula starts and writes control characters as code points', () => {
    for (const start of ['\uff1d', '\uff0b', '\uff0d', '\uff20']) expect(csvField(`${start}SUM(A1)`)).toBe(`'${start}SUM(A1)`);
    expect(csvField('a\u001b[31mred\u0007b\u0000c\u009bd')).toBe(
      'a\u27e8U+001B\u27e9[31mred\u27e8U+0007\u27e9b\u27e8U+0000\u27e9c\u27e8U+009B\u27e9d',
    );
    // An escaped control character at the start cannot hide a formula behind it, and line breaks are still quoted.
    expect(csvField('\u0000=1+1')).toBe('\u27e8U+0000\u27e9=1+1');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    const untouched = 'plain \u00e9t\u00e9 text';
    expect(csvField(untouched)).toBe(untouched);
  });

  it('round-trips per-record scores through a CSV parser with the exact stored numbers', () => {
    const { db, runId, keys, scores, recordIds } = seededWorkspace();
    const file = path.join(dir, 'scores.csv');
    expect(writeScoresCsv(db, [runId], file)).toBe(keys.length);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text, 'scores.csv');
    expect(header!.fields).toEqual([...scoreColumns]);
    const column = (name: string) => scoreColumns.indexOf(name as (typeof scoreColumns)[number]);
    for (const row of rows) {
      const recordId = Number(row.fields[column('record_id')]);
      const index = recordIds.indexOf(recordId);
      expect(Number(row.fields[column('score')])).toBe(scores[index]);
      const key = row.fields[column('record_key')]!;
      expect(key).toBe(neutraliseFormula(keys[index]!));
    }
    const formulaKey = rows.find((row) => Number(row.fields[column('record_id')]) === recordIds[0])!.fields[column('record_key')]!;
    expect(formulaKey.startsWith("'=")).toBe(true);
    // Rank 1 is the highest score; the two 0.5s share rank 2 and the next rank is 4. Rows come highest first.
    const rankOf = new Map(rows.map((row) => [Number(row.fields[column('record_id')]), row.fields[column('audit_rank')]]));
    expect(recordIds.map((id) => rankOf.get(id))).toEqual(['6', '4', '5', '7', '2', '2', '1']);
    expect(rows.map((row) => Number(row.fields[column('record_id')]))).toEqual([6, 4, 5, 1, 2, 0, 3].map((i) => recordIds[i]));
    db.close();
  });

  it('writes metrics with intervals and leaves n/a values empty with their reason', () => {
    const { db, runId } = seededWorkspace();
    const file = path.join(dir, 'metrics.csv');
    writeMetricsCsv(db, [runId], file);
    const [, ...rows] = parseCsv(fs.readFileSync(file, 'utf8'), 'metrics.csv');
    const auc = rows.find((row) => row.fields[3] === 'auc')!;
    expect(Number(auc.fields[5])).toBe(0.6180339887498949);
    const tpr = rows.find((row) => row.fields[3] === 'tpr@0.001')!;
    expect(tpr.fields[5]).toBe('');
    expect(tpr.fields[8]).toMatch(/n\/a/);
    db.close();
  });

  it('refuses to export an unfinished run', () => {
    const { db } = seededWorkspace();
    const runId = createRun(db, {
      attack: 'loss',
      family: 'classifier',
      targetModelId: 1,
      datasetId: 1,
      config: {},
      engineVersion: 't',
      modelHash: 'h',
      dataHash: 'd',
    });
    expect(() => writeScoresCsv(db, [runId], path.join(dir, 'no.csv'))).toThrowError(/only finished runs/);
    db.close();
  });
});
