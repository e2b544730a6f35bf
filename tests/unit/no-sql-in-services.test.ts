// The "services contain no SQL" rule (tools/eslint/no-sql-in-services.mjs) on small sources: SQL text in a service is
// refused, the same text in a workspace repository is not. `npm run lint` applies it to the whole tree.
import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { noSqlInServices } from '../../tools/eslint/no-sql-in-services.mjs';
import { repoRoot } from '../helpers/temp-dir';

const linter = new Linter({ cwd: repoRoot, configType: 'flat' });
const config = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, noSqlInServices];

function problems(file: string, source: string): string[] {
  return linter.verify(source, config as never, { filename: path.join(repoRoot, file) }).map((message) => message.message);
}

describe('no SQL in services', () => {
  it('refuses SQL statements in string and template literals of a service', () => {
    const refused = [
      "db.prepare('SELECT id FROM runs WHERE rerun_of = ?').all(runId);",
      'db.prepare("INSERT INTO exports (kind, path) VALUES (?, ?)").run(kind, file);',
      'db.prepare("UPDATE runs SET status = \'running\' WHERE id = ?").run(runId);',
      "db.prepare('DELETE FROM scores WHERE run_id = ?').run(runId);",
      'db.prepare(`SELECT ${columns} FROM models WHERE id = ?`).get(modelId);',
      "db.prepare('VACUUM INTO ?').run(file);",
    ];
    for (const source of refused) {
      expect(problems('src-main/services/reports/x.ts', source), source).toEqual([expect.stringMatching(/Services contain no SQL/)]);
    }
  });

  it('lets the workspace repositories hold SQL, and services hold prose', () => {
    expect(problems('src-main/workspace/x.ts', "db.prepare('DELETE FROM scores WHERE run_id = ?').run(runId);")).toEqual([]);
    expect(problems('src-main/services/x.ts', "throw new Error('Select a run to update, then delete the old export.');")).toEqual([]);
  });
});
