// How the ε lower bound is stored and shown: its rows read back into one object, a missing or unknown piece reads as
// "no bound" rather than a wrong one, and every place that shows ε shows δ, confidence, guesses and method with it.
import { describe, expect, test } from 'vitest';
import { privacyBoundRows, readEpsilonBound, readGdpMu, type StoredEpsilonBound } from '../../../src-shared/domain/privacy-bound';
import { compareCell } from '../../../src-shared/presentation/metric-rows';
import { epsilonSentence, formatDelta } from '../../../src-shared/presentation/privacy-bound-text';

const bound: StoredEpsilonBound = { value: 3.2225, delta: 1e-5, confidence: 0.95, method: 'calibration-split', guesses: 1000, note: 'why' };
const rows = privacyBoundRows(bound, { value: 0.6031, note: 'rule' });

describe('the stored ε bound', () => {
  test('reads back what was written', () => {
    expect(readEpsilonBound(rows)).toEqual(bound);
    expect(readGdpMu(rows)).toEqual({ value: 0.6031, note: 'rule' });
  });

  test('reads as no bound when a qualifier is missing or the method is unknown', () => {
    expect(readEpsilonBound(rows.filter((row) => row.name !== 'epsilon_lb_delta'))).toBeNull();
    expect(readEpsilonBound(rows.map((row) => (row.name === 'epsilon_lb_method' ? { ...row, note: 'guess' } : row)))).toBeNull();
    expect(readEpsilonBound([])).toBeNull();
  });
});

describe('the ε bound as shown', () => {
  test('carries δ, confidence, guesses and method', () => {
    expect(epsilonSentence(bound)).toBe('ε ≥ 3.22 (δ = 1e-5 · 95 % confidence · 1,000 guesses · threshold chosen on calibration records)');
    expect(epsilonSentence({ ...bound, value: null, method: 'bonferroni' })).toBe(
      'ε: n/a (δ = 1e-5 · 95 % confidence · 1,000 guesses · Bonferroni-corrected over every threshold)',
    );
    expect(formatDelta(1e-6)).toBe('1e-6');
  });

  test('fills the compare table cells: ε with its qualifiers under it, μ without an interval', () => {
    expect(compareCell(rows, 'epsilon_lb')).toEqual({
      value: '3.22',
      interval: 'δ = 1e-5 · 95 % confidence · 1,000 guesses · threshold chosen on calibration records',
      note: 'why',
    });
    expect(compareCell(rows, 'gdp_mu')).toEqual({ value: '0.60', interval: '', note: 'rule' });
    expect(compareCell([], 'epsilon_lb')).toEqual({ value: 'n/a', interval: '', note: null });
  });
});
