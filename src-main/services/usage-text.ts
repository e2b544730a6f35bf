// Says in words what still uses a workspace item, for the refusals of a delete: "3 runs: 'a', 'b', 'c' and model set
// 'refs-8'". Long lists are cut after a few names, with a count of the rest.
const namesShown = 5;

/** "2 runs: 'a', 'b'" (or "run 'a'"); null when the list is empty. */
export function namedGroup(singular: string, plural: string, names: readonly string[]): string | null {
  if (names.length === 0) return null;
  const quoted = names.slice(0, namesShown).map((name) => `'${name}'`);
  if (names.length > namesShown) quoted.push(`… (${names.length - namesShown} more)`);
  return names.length === 1 ? `${singular} ${quoted[0]}` : `${names.length} ${plural}: ${quoted.join(', ')}`;
}

/** Joins the groups that are present: "a", "a and b", "a, b and c". */
export function joinGroups(groups: readonly (string | null)[]): string {
  const present = groups.filter((group): group is string => group !== null);
  if (present.length <= 1) return present[0] ?? '';
  return `${present.slice(0, -1).join(', ')} and ${present[present.length - 1]}`;
}
