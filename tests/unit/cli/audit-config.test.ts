// The audit config reader refuses, before anything runs, what the services would refuse halfway through an audit
// (limits come from the contract), and YAML tags that would turn values into Buffers, Sets or Dates.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readAuditConfig } from '../../../src-main/services/audit-config';
import { runCli } from '../../../src-main/cli/cli';
import { errorCodeOf } from '../../helpers/error-code';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir('mia-audit-config-');
const head = 'dataset:\n  path: data/manifest.csv\ntarget:\n  kind: classifier\n  model: m.onnx\n';
const config = (name: string, text: string): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const messageOf = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};

describe('audit config limits and YAML tags', () => {
  it('reads a plain config', () => {
    const { config: parsed } = readAuditConfig(config('good.yaml', `${head}runs:\n  - attack: loss\n    seed: 2147483647\n`));
    expect(parsed.runs[0]).toMatchObject({ attack: 'loss', seed: 2147483647, params: {} });
  });

  it("refuses a run seed beyond the contract's limit (2^40), naming the key", () => {
    const file = config('big-seed.yaml', `${head}runs:\n  - attack: loss\n  - attack: entropy\n    seed: 1099511627776\n`);
    expect(errorCodeOf(() => readAuditConfig(file))).toBe('config.invalid');
    expect(messageOf(() => readAuditConfig(file))).toMatch(/runs\.1\.seed/);
  });

  it('refuses training settings beyond the contract limits', () => {
    const file = config(
      'big-train.yaml',
      `${head}shadows:\n  train: { folder: s, count: 300, seed: -1, epochs: 5000 }\nruns:\n  - attack: shokri\n`,
    );
    const message = messageOf(() => readAuditConfig(file));
    for (const key of ['shadows.train.count', 'shadows.train.seed', 'shadows.train.epochs']) expect(message).toContain(key);
  });

  it('refuses, before anything runs, a later run whose attack is unknown, of another family or given bad params', () => {
    const cases: [string, RegExp][] = [
      ['  - attack: loss\n  - attack: no-such-attack\n', /runs\[1\]\.attack: There is no attack called "no-such-attack"/],
      ['  - attack: loss\n  - attack: csa\n', /runs\[1\]\.attack: csa attacks clip models, but the target is a classifier model/],
      ['  - attack: loss\n  - attack: lira\n    params: { referenceCount: -3, nonsense: 1 }\n', /runs\[1\]\.params \(lira\)/],
    ];
    cases.forEach(([runs, expected], i) => {
      const file = config(`bad-run-${i}.yaml`, `${head}runs:\n${runs}`);
      expect(
        errorCodeOf(() => readAuditConfig(file)),
        runs,
      ).toBe('config.invalid');
      expect(messageOf(() => readAuditConfig(file))).toMatch(expected);
    });
  });

  it('refuses a !!binary value with a clear message naming the tag and line, not a list of Buffer methods', () => {
    const file = config('binary.yaml', `${head}runs:\n  - attack: !!binary bG9zcw==\n`);
    expect(errorCodeOf(() => readAuditConfig(file))).toBe('config.yaml-tag');
    const message = messageOf(() => readAuditConfig(file));
    expect(message).toContain('!!binary');
    expect(message).toContain('line 7');
    expect(message).not.toMatch(/readUInt|writeInt|toJSON|subarray/);
  });

  it('refuses other custom and unknown tags without printing YAML warnings', () => {
    for (const [name, value] of [
      ['set', '!!set { a }'],
      ['timestamp', '!!timestamp 2001-12-14'],
      ['local', '!secret x'],
    ] as const) {
      const file = config(`${name}.yaml`, `${head}title: ${value}\nruns:\n  - attack: loss\n`);
      expect(
        errorCodeOf(() => readAuditConfig(file)),
        name,
      ).toBe('config.yaml-tag');
    }
    // Explicit core tags mean what they say and are accepted.
    const file = config('core-tags.yaml', `${head}title: !!str 42\nruns:\n  - attack: loss\n    seed: !!int 3\n`);
    expect(readAuditConfig(file).config).toMatchObject({ title: '42', runs: [{ seed: 3 }] });
  });

  it('makes `mia audit` exit with code 2 before touching the workspace', async () => {
    const file = config('cli-big-seed.yaml', `${head}runs:\n  - attack: loss\n  - attack: loss\n    seed: 1099511627776\n`);
    const workspace = path.join(dir, 'never-created.sqlite');
    let stderr = '';
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const err = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        stderr += chunk.toString();
        done();
      },
    });
    expect(await runCli(['audit', '--config', file, '--workspace', workspace], sink, err)).toBe(2);
    expect(stderr).toMatch(/runs\.1\.seed.*config\.invalid/s);
    expect(fs.existsSync(workspace)).toBe(false);
  });
});
