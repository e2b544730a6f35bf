// The theme's colours are defined once, in theme.css: every chart colour the palette names has a light and a dark
// value there, and the PDF's paper colours are exactly the light ones.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartColourVariables, paperColours, paperPalette } from '../../../src-shared/charts/chart-option';

const css = fs.readFileSync(path.join(__dirname, '../../../src-renderer/styles/theme.css'), 'utf8');

/** The custom properties declared in the rule whose selector list ends with `selector`. */
function variablesOf(selector: string): Map<string, string> {
  const rule = new RegExp(`${selector.replace(/[[\]']/g, '\\$&')}\\s*\\{([^}]*)\\}`).exec(css);
  if (!rule) throw new Error(`theme.css has no rule for ${selector}`);
  return new Map([...rule[1]!.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

const named = [...Object.values(chartColourVariables).flat()];

describe('theme colours', () => {
  it('gives every chart colour name a value in both themes, and different values for the series in the dark one', () => {
    const light = variablesOf("[data-theme='light']");
    const dark = variablesOf("[data-theme='dark']");
    for (const variable of named) {
      expect(light.get(variable), `${variable} in the light theme`).toMatch(/^#[0-9a-f]{6}$/);
      expect(dark.get(variable), `${variable} in the dark theme`).toMatch(/^#[0-9a-f]{6}$/);
    }
    expect(dark.get('--series-1')).not.toBe(light.get('--series-1'));
  });

  it("draws the PDF with the light theme's values", () => {
    const light = variablesOf("[data-theme='light']");
    expect(Object.keys(paperColours).sort()).toEqual([...named].sort());
    for (const [variable, colour] of Object.entries(paperColours)) expect(colour, variable).toBe(light.get(variable));
    expect(paperPalette.member).toBe(light.get('--member'));
    expect(paperPalette.series).toEqual(chartColourVariables.series.map((variable) => light.get(variable)));
  });
});
