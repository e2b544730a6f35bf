// docs/ARCHITECTURE.md against the repository: its layer table says what the lint rule enforces, the files it names
// exist, and nothing in the project points a reader at documents that are not in it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerOf, layerRules } from '../../tools/eslint/layer-boundaries.mjs';
import { repoRoot } from '../helpers/temp-dir';

const architectureFile = path.join(repoRoot, 'docs', 'ARCHITECTURE.md');
const architecture = fs.readFileSync(architectureFile, 'utf8');

interface DocumentedLayer {
  readonly folder: string;
  readonly may: string[];
  readonly typeOnly: string[];
}

/** The rows of the "Layers" table: | `layer` | `folder/` | `a`, `b`; types only: `c` | */
function documentedLayers(): Map<string, DocumentedLayer> {
  const section = architecture.split(/^## /m).find((part) => part.startsWith('Layers'));
  if (!section) throw new Error('docs/ARCHITECTURE.md has no "## Layers" section');
  const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
  const layers = new Map<string, DocumentedLayer>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // A row is '', layer, folder, may, '' once split on its pipes; the header and the rule have no backticks.
    if (cells.length !== 5 || !cells[1]!.startsWith('`')) continue;
    const [may, typeOnly = ''] = cells[3]!.split('types only:');
    layers.set(names(cells[1]!)[0]!, { folder: names(cells[2]!)[0]!, may: names(may!), typeOnly: names(typeOnly) });
  }
  return layers;
}

/** Text files of the project (what a reader or a tool could follow a reference from), repository-relative. */
function projectTextFiles(): string[] {
  const skipped = new Set(['node_modules', 'out', '.git', 'test-results', 'playwright-report']);
  const textFile = /\.(ts|mts|cts|mjs|cjs|js|vue|md|py|json|ya?ml|sh|html|css)$/;
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(path.join(repoRoot, folder), { withFileTypes: true })) {
      const relative = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!skipped.has(entry.name)) walk(relative);
      } else if (entry.isFile() && (textFile.test(entry.name) || folder === '.ci')) {
        found.push(relative);
      }
    }
  };
  walk('');
  return found;
}

describe('docs/ARCHITECTURE.md', () => {
  it('states the layer table the lint rule enforces, layer for layer', () => {
    const documented = documentedLayers();
    expect([...documented.keys()].sort()).toEqual(Object.keys(layerRules).sort());
    for (const [layer, rule] of Object.entries(layerRules) as [string, { may: string[]; typeOnly?: string[] }][]) {
      const row = documented.get(layer)!;
      expect(layerOf(`${row.folder}x.ts`), `folder of ${layer}`).toBe(layer);
      expect([...row.may].sort(), `what ${layer} may import`).toEqual([...rule.may].sort());
      expect([...row.typeOnly].sort(), `what ${layer} may take types from`).toEqual([...(rule.typeOnly ?? [])].sort());
    }
  });

  it('names only files and folders that exist', () => {
    const named = [
      ...architecture.matchAll(/`((?:src-main|src-preload|src-shared|src-renderer|resources|tools|bench|tests|docs|bin)\/[^`\s]*)`/g),
    ]
      .map((match) => match[1]!)
      // Placeholders (`<family>`) and patterns (`*-math.ts`) stand for files a change would add.
      .filter((name) => !/[<*]/.test(name));
    expect(named.length).toBeGreaterThan(40);
    expect(named.filter((name) => !fs.existsSync(path.join(repoRoot, name)))).toEqual([]);
  });
});

describe('the project documents itself', () => {
  it('refers to no design document outside the repository', () => {
    // Spelled in pieces so that this file does not find itself.
    const outside = new RegExp(['(DESIGN|ATTACKS|STACK|STYLE)\\.md', ['shared', 'docs'].join('/'), '\\.\\./shared\\b'].join('|'));
    const files = projectTextFiles();
    expect(files.length).toBeGreaterThan(300);
    const offenders = files.filter((file) => outside.test(fs.readFileSync(path.join(repoRoot, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
