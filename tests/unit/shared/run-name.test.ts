// The run name generator and the differing-parameters table: pure functions the run preparation, Compare and
// the tests share.
import { describe, expect, it } from 'vitest';
import { differingParams, generateRunName, nonDefaultParams, paramDefaults } from '../../../src-shared/presentation/run-name';

const lira = { attackLabel: 'LiRA', targetName: 'Demo CNN (leaky target)', datasetName: 'demo classifier' };
const liraDefaults = { variant: 'online', fixedVariance: true, flipAugmentation: false };

describe('generateRunName', () => {
  it('names attack, target and dataset and leaves default parameters out', () => {
    expect(generateRunName({ ...lira, params: liraDefaults, defaults: liraDefaults })).toBe(
      'LiRA · Demo CNN (leaky target) · demo classifier',
    );
  });

  it('adds the parameters that differ from the defaults and the reference models used', () => {
    expect(
      generateRunName({
        ...lira,
        params: { ...liraDefaults, variant: 'offline', flipAugmentation: true },
        defaults: liraDefaults,
        referenceModels: 16,
      }),
    ).toBe('LiRA · Demo CNN (leaky target) · demo classifier · variant offline · flipAugmentation true · 16 refs');
  });

  it('says the images were resized right after the dataset, and nothing when they were not', () => {
    expect(generateRunName({ ...lira, params: { ...liraDefaults, variant: 'offline' }, defaults: liraDefaults, resized: true })).toBe(
      'LiRA · Demo CNN (leaky target) · demo classifier · resized · variant offline',
    );
    expect(generateRunName({ ...lira, params: liraDefaults, defaults: liraDefaults, resized: false })).not.toContain('resized');
  });

  it('gives two variants of one attack different names', () => {
    const name = (variant: string): string => generateRunName({ ...lira, params: { ...liraDefaults, variant }, defaults: liraDefaults });
    expect(name('offline')).not.toBe(name('online'));
  });

  it('keeps a name within 200 characters', () => {
    const name = generateRunName({ ...lira, targetName: 'm'.repeat(300), params: {}, defaults: {} });
    expect(name).toHaveLength(200);
    expect(name.endsWith('…')).toBe(true);
  });
});

describe('differingParams', () => {
  it('lists only parameters whose values differ, one value per run in order', () => {
    expect(
      differingParams([
        { attack: 'lira', params: { variant: 'online', fixedVariance: true } },
        { attack: 'lira', params: { variant: 'offline', fixedVariance: true } },
      ]),
    ).toEqual([{ name: 'variant', values: ['online', 'offline'] }]);
  });

  it('shows the attack and a dash for parameters one run does not have', () => {
    expect(
      differingParams([
        { attack: 'loss', params: {} },
        { attack: 'rmia', params: { gamma: 2 } },
      ]),
    ).toEqual([
      { name: 'attack', values: ['loss', 'rmia'] },
      { name: 'gamma', values: ['—', '2'] },
    ]);
  });

  it('is empty for runs configured alike', () => {
    expect(
      differingParams([
        { attack: 'loss', params: { k: [1, 2] } },
        { attack: 'loss', params: { k: [1, 2] } },
      ]),
    ).toEqual([]);
  });
});

describe('nonDefaultParams and paramDefaults', () => {
  it('reads defaults from a parameter JSON Schema and names only the parameters that differ from them', () => {
    const schema = {
      type: 'object',
      properties: {
        variant: { type: 'string', default: 'online' },
        fixedVariance: { type: 'boolean', default: true },
        seedCount: { type: 'integer' },
      },
    };
    const defaults = paramDefaults(schema);
    expect(defaults).toEqual({ variant: 'online', fixedVariance: true, seedCount: undefined });
    expect(nonDefaultParams({ variant: 'online', fixedVariance: true }, defaults)).toEqual([]);
    expect(nonDefaultParams({ variant: 'offline', fixedVariance: true, seedCount: 3 }, defaults)).toEqual([
      'variant offline',
      'seedCount 3',
    ]);
  });

  it('finds no defaults in a schema without properties', () => {
    expect(paramDefaults({ type: 'object' })).toEqual({});
  });
});
