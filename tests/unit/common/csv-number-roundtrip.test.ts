// The scores CSV is what an evidence bundle's replay compares against, so its numbers must read back as the same
// float64 bits: the shortest round-trip text of every double, and "-0" for negative zero (String(-0) is "0").
import { describe, expect, it } from 'vitest';
import { csvField } from '../../../src-main/common/csv-write';

const bitsOf = (value: number): string => Buffer.from(new Float64Array([value]).buffer).toString('hex');

describe('CSV numbers', () => {
  it('read back bit for bit, including negative zero, subnormals and the extremes', () => {
    const special = [-0, 0, 5e-324, -5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1 + 0.2, 1 / 3, -1e-300];
    const words = new Uint32Array(2);
    const view = new Float64Array(words.buffer);
    let state = 7;
    const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
    const random: number[] = [];
    while (random.length < 20_000) {
      words[0] = next();
      words[1] = next();
      if (Number.isFinite(view[0]!)) random.push(view[0]!);
    }
    for (const value of [...special, ...random]) expect(bitsOf(Number(csvField(value))), String(value)).toBe(bitsOf(value));
    expect(csvField(-0)).toBe('-0');
  });
});
