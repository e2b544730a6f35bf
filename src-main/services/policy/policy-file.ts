// A risk policy file (YAML): rules over a run's metrics, each optionally scoped to a model family and/or an attack.
// Read and checked completely before an audit starts, so a bad policy costs no run; errors name the file, the rule's
// index and what was expected.
import path from 'node:path';
import { z } from 'zod';
import { ModelKind } from '../../../src-shared/domain/models';
import { parseWith } from '../../common/parse';
import { plainYaml } from '../../common/plain-yaml';
import { readRegularFileSync } from '../../common/regular-file';
import { attackModules } from '../../engine/attacks/registry';
import { setInferenceAttackId } from '../../engine/attacks/set-inference/set-inference-attack';
import { parsePolicyExpression } from './policy-rule';

// Set inference runs over any family's base attack (engine/attacks/run-attack.ts), so a rule may name it with any family.
const attackIds = [...attackModules.map((module) => module.id), setInferenceAttackId];

const PolicyRule = z
  .strictObject({
    /** `METRIC OPERATOR NUMBER`, e.g. `auc <= 0.6` (grammar in policy-rule.ts). */
    rule: z.string().transform((text, ctx) => {
      const parsed = parsePolicyExpression(text);
      if (parsed.ok) return { text: text.trim(), ...parsed.expression };
      ctx.addIssue({ code: 'custom', message: parsed.expected });
      return z.NEVER;
    }),
    family: ModelKind.optional(),
    attack: z
      .string()
      .refine((id) => attackIds.includes(id), { message: `expected an attack id, one of ${attackIds.join(', ')}` })
      .optional(),
    /** A metric the run lacks is "not measured"; it fails the verdict unless the rule is optional. */
    optional: z.boolean().default(false),
  })
  .refine(
    (rule) =>
      rule.family === undefined ||
      rule.attack === undefined ||
      rule.attack === setInferenceAttackId ||
      attackModules.some((module) => module.id === rule.attack && module.family === rule.family),
    { message: 'the attack does not belong to the family, so the rule could never apply', path: ['attack'] },
  );

export const RiskPolicy = z.strictObject({
  name: z.string().min(1).optional(),
  rules: z.array(PolicyRule).min(1, 'expected at least one rule'),
});
export type RiskPolicy = z.output<typeof RiskPolicy>;
export type RiskPolicyRule = RiskPolicy['rules'][number];

/** Parses a policy already read from YAML; `what` names its file in errors. */
export function parseRiskPolicy(raw: unknown, what: string): RiskPolicy {
  return parseWith(RiskPolicy, raw, what, 'config.invalid-policy');
}

/** A policy is a few rules: far below this. The limit, and refusing FIFOs and devices, keep a path the page named from hanging the backend. */
const maxPolicyBytes = 1024 * 1024;

export function readRiskPolicy(file: string): RiskPolicy {
  const absolute = path.resolve(file);
  const what = `The policy file ${absolute}`;
  const text = readRegularFileSync(absolute, { domain: 'config', subject: what, maxBytes: maxPolicyBytes }).toString('utf8');
  return parseRiskPolicy(plainYaml(text, what), what);
}
