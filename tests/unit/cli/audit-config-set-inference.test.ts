// `attack: set-inference` in an audit config: its family and parameters are checked against its base attack before
// anything runs, like any other run; and the module it resolves to takes the base's family, needs and estimate.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRunAttack, scoredRolesOf } from '../../../src-main/engine/attacks/run-attack';
import { findAttack } from '../../../src-main/engine/attacks/registry';
import { plainTarget } from '../../../src-shared/domain/model-calls';
import { readAuditConfig } from '../../../src-main/services/audit-config';
import { errorCodeOf } from '../../helpers/error-code';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir('mia-audit-config-set-');
const head = 'dataset:\n  path: data/manifest.csv\ntarget:\n  kind: classifier\n  model: m.onnx\nruns:\n  - attack: set-inference\n';
const read = (name: string, params: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${head}${params}`);
  return () => readAuditConfig(file);
};

describe('set inference in an audit config', () => {
  it('reads a run over a base of the target family, with the base parameters as given', () => {
    const { config } = read('good.yaml', '    params:\n      base: loss\n      baseParams: {}\n')();
    expect(config.runs[0]).toMatchObject({ attack: 'set-inference', params: { base: 'loss', baseParams: {} } });
  });

  it('refuses, before anything runs, a missing or unknown base, a base of another family and bad base parameters', () => {
    expect(errorCodeOf(read('no-base.yaml', '    params: {}\n'))).toBe('config.invalid');
    expect(errorCodeOf(read('unknown.yaml', '    params:\n      base: nope\n'))).toBe('config.invalid');
    expect(() => read('clip-base.yaml', '    params:\n      base: csa\n')()).toThrow(/set-inference attacks clip models/);
    expect(() => read('bad-base-params.yaml', '    params:\n      base: shokri\n      baseParams:\n        nope: 1\n')()).toThrow(
      /baseParams/,
    );
  });
});

describe('the module a set-inference run resolves to', () => {
  it("takes the base's family and needs, scores suspects and references, and estimates the base's calls over them", () => {
    const base = findAttack('pia');
    const attack = findRunAttack('set-inference', { base: 'pia' });
    expect(attack.family).toBe('diffusion');
    expect(attack.needs.roles).toEqual(['suspect', 'nonmember-reference']);
    expect(scoredRolesOf(attack)).toEqual(['suspect', 'nonmember-reference']);
    expect(scoredRolesOf(base)).toEqual(['audit', 'calibration']);
    const counts = { audited: 130, references: 0, shadows: 0, target: plainTarget };
    const params = attack.params.parse({ base: 'pia' }) as { baseParams: unknown };
    expect(attack.estimateModelCalls(params, counts)).toEqual(base.estimateModelCalls(base.params.parse({}), counts));
    expect(findRunAttack('pia', { base: 'ignored' })).toBe(base);
  });
});
