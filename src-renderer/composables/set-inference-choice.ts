// New run's set-level inference choice as plain data: whether it is ticked, the base attack and its parameters, the
// test's own parameters; why a dataset cannot take it; and the `params` of the runs.start request it makes.
// Plain TypeScript: no Vue, no DOM.

export interface SetInferenceChoice {
  enabled: boolean;
  /** The id of the base attack; '' until one is picked. */
  base: string;
  baseParams: Record<string, unknown>;
  /** The test's own parameters (alpha, powerDraws, powerSizes). */
  params: Record<string, unknown>;
}

export const emptySetInferenceChoice = (): SetInferenceChoice => ({ enabled: false, base: '', baseParams: {}, params: {} });

const roleMeaning: Record<string, string> = {
  suspect: 'the suspect collection',
  'nonmember-reference': 'non-members from the same distribution',
};

/** Why the dataset cannot be tested at set level (the roles it lacks), or null when it has records of every role. */
export function missingRolesReason(roles: readonly string[], roleCounts: Readonly<Record<string, number>>): string | null {
  const missing = roles.filter((role) => (roleCounts[role] ?? 0) === 0);
  if (missing.length === 0) return null;
  const named = missing.map((role) => `"${role}" (${roleMeaning[role] ?? role})`).join(' and ');
  return `This dataset has no records with role ${named}; import a manifest that gives both roles.`;
}

/** The request's `params`: the base attack with its own parameters, beside the test's. */
export function setInferenceRequestParams(choice: SetInferenceChoice): Record<string, unknown> {
  return { ...choice.params, base: choice.base, baseParams: choice.baseParams };
}
