// The layer rule (tools/eslint/layer-boundaries.mjs) on small sources placed in each layer: what it must refuse and
// what it must let through. `npm test` runs the same rule over the whole tree through ESLint.
import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerBoundaries } from '../../tools/eslint/layer-boundaries.mjs';
import { repoRoot } from '../helpers/temp-dir';

const linter = new Linter({ cwd: repoRoot, configType: 'flat' });
const config = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { workbench: { rules: { 'layer-boundaries': layerBoundaries } } },
    rules: { 'workbench/layer-boundaries': 'error' },
  },
];

/** The rule's messages for `source` as if it were the file `file` (repository-relative). */
function problems(file: string, source: string): string[] {
  return linter.verify(source, config as never, { filename: path.join(repoRoot, file) }).map((message) => message.message);
}

describe('layer boundaries', () => {
  it('refuses imports that go up or across the layers', () => {
    const refused: [string, string][] = [
      ['src-main/engine/attacks/x.ts', "import { startRun } from '../../services/runs-service';"],
      ['src-main/engine/data/x.ts', "import { RunStartRequest } from '../../../src-shared/contract/contract';"],
      ['src-main/workspace/x.ts', "import { MiaError } from '../services/backend';"],
      ['src-main/services/x.ts', "import { auditCommand } from '../cli/commands/audit';"],
      ['src-main/electron/x.ts', "import { startHeadlessHost } from '../web/headless-host';"],
      ['src-renderer/stores/x.ts', "import { createBackend } from '../../src-main/services/backend';"],
      ['src-preload/x.ts', "import { api } from '../src-renderer/api';"],
      ['src-shared/domain/x.ts', "export * from '../contract/contract';"],
      ['src-shared/contract/x.ts', "const lazy = import('../../src-main/common/errors');"],
    ];
    for (const [file, source] of refused)
      expect(problems(file, source), `${file}: ${source}`).toEqual([expect.stringMatching(/may not import from/)]);
  });

  it('lets the workspace take types, but no code, from the engine', () => {
    expect(problems('src-main/workspace/x.ts', "import type { PreparedRecord } from '../engine/data/record-source';")).toEqual([]);
    expect(problems('src-main/workspace/x.ts', "import { type PreparedRecord } from '../engine/data/record-source';")).toEqual([]);
    expect(problems('src-main/workspace/x.ts', "import { readManifest } from '../engine/data/manifest';")).toEqual([
      expect.stringMatching(/only types/),
    ]);
  });

  it('keeps Electron, Vue and Node modules where they belong', () => {
    expect(problems('src-main/services/x.ts', "import { app } from 'electron';")).toEqual([
      expect.stringMatching(/Electron is imported only/),
    ]);
    expect(problems('src-main/electron/x.ts', "import { app } from 'electron';")).toEqual([]);
    expect(problems('src-preload/index.ts', "import { contextBridge } from 'electron';")).toEqual([]);
    expect(problems('src-shared/charts/x.ts', "import { ref } from 'vue';")).toEqual([
      expect.stringMatching(/Vue belongs to the renderer/),
    ]);
    expect(problems('src-renderer/x.ts', "import fs from 'node:fs';")).toEqual([expect.stringMatching(/without Node/)]);
    expect(problems('src-shared/contract/x.ts', "import Database from 'better-sqlite3';")).toEqual([expect.stringMatching(/without Node/)]);
  });

  it('lets each layer import what it may', () => {
    const allowed: [string, string][] = [
      ['src-main/engine/x.ts', "import type { RecordRole } from '../../src-shared/domain/records';"],
      ['src-main/services/x.ts', "import { channels } from '../../src-shared/contract/contract';"],
      ['src-main/cli/x.ts', "import { createBackend } from '../services/backend';"],
      ['src-renderer/x.ts', "import { formatMetric } from '../src-shared/presentation/format';"],
      ['tests/unit/x.ts', "import { createBackend } from '../../src-main/services/backend';"],
    ];
    for (const [file, source] of allowed) expect(problems(file, source), `${file}: ${source}`).toEqual([]);
  });
});
