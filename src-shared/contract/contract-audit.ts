// The contract's part for how the workspace judges its runs: the audit settings (the risk policy file and the prior
// fraction of members that precision is stated for) and the policy verdict of each target model. contract.ts
// re-exports everything here.
import { z } from 'zod';
import { ErrorPayload, Id, ModelKind } from './contract-common';

/** The fraction of members in the population an attacker faces: strictly between 0 and 1 (1 % is 0.01). */
export const MemberPrior = z
  .number()
  .gt(0, 'the prior must be a fraction greater than 0 (1 % is 0.01)')
  .lt(1, 'the prior must be a fraction less than 1 (1 % is 0.01)');

export const AuditSettings = z.object({
  /** The risk policy YAML every target is judged against; null: none set. */
  policyPath: z.string().nullable(),
  /** The prior of precision at a prior (run details, Compare, the PDF); the default when none was set. */
  memberPrior: z.number(),
});
export type AuditSettings = z.infer<typeof AuditSettings>;

/** Changes one or both settings; `policyPath: null` clears the policy. */
export const AuditSettingsUpdate = z
  .strictObject({
    policyPath: z.string().trim().min(1).max(4096).nullable().optional(),
    memberPrior: MemberPrior.optional(),
  })
  .refine((update) => update.policyPath !== undefined || update.memberPrior !== undefined, 'give a policyPath or a memberPrior to change');
export type AuditSettingsUpdate = z.input<typeof AuditSettingsUpdate>;

export const RuleStatus = z.enum(['pass', 'fail', 'not-measured', 'not-applicable']);
export type RuleStatus = z.infer<typeof RuleStatus>;

/** One rule judged on one run in its scope (or on none: not-applicable), as `mia audit --policy` prints it. */
export const VerdictRow = z.object({
  /** The rule's index in the policy file's `rules`. */
  index: z.number().int().nonnegative(),
  rule: z.string(),
  scope: z.object({ family: ModelKind.nullable(), attack: z.string().nullable() }),
  optional: z.boolean(),
  /** null for a rule that applied to no run. */
  run: Id.nullable(),
  attack: z.string().nullable(),
  value: z.number().nullable(),
  status: RuleStatus,
});
export type VerdictRow = z.infer<typeof VerdictRow>;

export const PolicyVerdict = z.object({
  status: z.enum(['pass', 'fail']),
  /** The policy's `name`, if it has one. */
  policy: z.string().nullable(),
  rules: z.array(VerdictRow),
  warnings: z.array(z.object({ run: Id, check: z.string(), message: z.string() })),
});
export type PolicyVerdict = z.infer<typeof PolicyVerdict>;

export const TargetVerdict = z.object({
  targetModelId: Id,
  targetName: z.string(),
  /** The finished runs of this target that were judged. */
  runIds: z.array(Id),
  verdict: PolicyVerdict,
});
export type TargetVerdict = z.infer<typeof TargetVerdict>;

export const PolicyVerdicts = z.object({
  policyPath: z.string().nullable(),
  /** The prior `ppv_at_prior` was computed at. */
  memberPrior: z.number(),
  /** The policy file could not be read or does not fit: its error (the file, the rule and field, what was expected). */
  policyError: ErrorPayload.nullable(),
  /** One per target model with finished runs; empty without a usable policy. */
  targets: z.array(TargetVerdict),
});
export type PolicyVerdicts = z.infer<typeof PolicyVerdicts>;
