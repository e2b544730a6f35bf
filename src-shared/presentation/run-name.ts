// A run's generated name and the parameters that tell runs apart. Pure functions shared by run preparation (which
// stores the name), the Compare view and the tests, so "lira · Demo CNN · demo classifier · variant offline" reads
// the same everywhere and two variants of one attack on one target never share a label, and a run on resized images
// never reads like one on data that fit ("… · demo classifier · resized").
import { maxRunNameLength } from '../domain/runs';

export interface RunNameParts {
  /** The attack's id ("lira"): its titles are sentences, too long to lead a name. */
  readonly attackLabel: string;
  readonly targetName: string;
  readonly datasetName: string;
  /** The run's parsed parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The attack's defaults; only parameters that differ from them are named (a default says nothing new). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Reference or shadow models used, when the attack takes any: "16 refs" separates a run from its twin. */
  readonly referenceModels?: number;
  readonly shadowModels?: number;
  /** The auditor asked for the images to be resized to the target's input (`resize: true`), so it follows the dataset. */
  readonly resized?: boolean;
}

export function generateRunName(parts: RunNameParts): string {
  const pieces = [
    parts.attackLabel,
    parts.targetName,
    parts.datasetName,
    ...(parts.resized ? ['resized'] : []),
    ...nonDefaultParams(parts.params, parts.defaults),
  ];
  if (parts.referenceModels) pieces.push(`${parts.referenceModels} refs`);
  if (parts.shadowModels) pieces.push(`${parts.shadowModels} shadows`);
  const name = pieces.join(' · ');
  return name.length <= maxRunNameLength ? name : `${name.slice(0, maxRunNameLength - 1)}…`;
}

/**
 * The parameters that differ from the attack's defaults, each as "name value" ("variant offline"): what a run's name
 * and the Runs table's parameters column show, since a default says nothing new.
 */
export function nonDefaultParams(params: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(params)
    .filter(([key, value]) => !sameValue(value, defaults[key]))
    .map(([key, value]) => `${key} ${formatParamValue(value)}`);
}

/** Each parameter's default, read from an attack's parameter JSON Schema (the one the New run form is built from). */
export function paramDefaults(paramsSchema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const properties = paramsSchema.properties;
  if (properties === null || typeof properties !== 'object') return {};
  return Object.fromEntries(
    Object.entries(properties as Record<string, unknown>).map(([key, property]) => [
      key,
      property !== null && typeof property === 'object' ? (property as { default?: unknown }).default : undefined,
    ]),
  );
}

/** One parameter value as a person reads it: strings bare, everything else as JSON. */
export function formatParamValue(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface DifferingParam {
  readonly name: string;
  /** One formatted value per run, in the order the runs were given ('—' where a run has no such parameter). */
  readonly values: readonly string[];
}

/**
 * The parameters whose values are not the same in every run given (the attack itself counts as one, since runs of
 * different attacks have different parameters). Empty when the runs are configured alike.
 */
export function differingParams(runs: readonly { attack: string; params: Readonly<Record<string, unknown>> }[]): DifferingParam[] {
  const rows: DifferingParam[] = [];
  if (new Set(runs.map((run) => run.attack)).size > 1) rows.push({ name: 'attack', values: runs.map((run) => run.attack) });
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort();
  for (const name of names) {
    const values = runs.map((run) => run.params[name]);
    if (values.some((value) => !sameValue(value, values[0]))) rows.push({ name, values: values.map(formatParamValue) });
  }
  return rows;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
