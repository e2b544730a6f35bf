// Enforces the layering rule of DESIGN.md by reading every source file's imports.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/temp-dir';

function sourceFiles(dir: string): string[] {
  const absolute = path.join(repoRoot, dir);
  if (!fs.existsSync(absolute)) return [];
  return fs.readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|vue)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push((match[1] ?? match[2] ?? match[3])!);
  }
  return found;
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = path.resolve(path.dirname(file), specifier);
  return target === path.join(repoRoot, folder) || target.startsWith(path.join(repoRoot, folder) + path.sep);
}

describe('import rules', () => {
  const backendFiles = sourceFiles('src-main').filter((file) => !file.startsWith(path.join(repoRoot, 'src-main', 'electron') + path.sep));

  it('keeps engine, services, workspace, host, CLI and web free of electron, vue and the renderer', () => {
    const offences = backendFiles.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec === 'electron' || spec.startsWith('electron/') || spec === 'vue' || spec === 'pinia' || resolvesInto(file, spec, 'src-renderer'))
        .map((spec) => `${path.relative(repoRoot, file)} imports ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('keeps the renderer away from src-main (it takes the contract from src-preload)', () => {
    const offences = sourceFiles('src-renderer').flatMap((file) =>
      importsOf(file)
        .filter((spec) => resolvesInto(file, spec, 'src-main') || spec === 'electron' || spec.startsWith('node:'))
        .map((spec) => `${path.relative(repoRoot, file)} imports ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('lets only the Electron glue and the preload entry import electron', () => {
    const everything = [...sourceFiles('src-main'), ...sourceFiles('src-preload'), ...sourceFiles('src-renderer')];
    const importers = everything.filter((file) => importsOf(file).includes('electron')).map((file) => path.relative(repoRoot, file));
    for (const file of importers) {
      expect(file.startsWith(`src-main${path.sep}electron${path.sep}`) || file === path.join('src-preload', 'index.ts')).toBe(true);
    }
    expect(importers.length).toBeGreaterThan(0);
  });

  it('keeps the renderer off window.mia except in its api module', () => {
    const offences = sourceFiles('src-renderer')
      .filter((file) => !file.startsWith(path.join(repoRoot, 'src-renderer', 'api') + path.sep) && !file.endsWith('env.d.ts'))
      .filter((file) => /window\.mia\b/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(repoRoot, file));
    expect(offences).toEqual([]);
  });

  it('uses no Math.random in engine code', () => {
    const offences = sourceFiles('src-main/engine').filter((file) => /Math\.random\s*\(/.test(fs.readFileSync(file, 'utf8')));
    expect(offences.map((file) => path.relative(repoRoot, file))).toEqual([]);
  });
});
