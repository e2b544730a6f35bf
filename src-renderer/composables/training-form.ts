// The training panel's form turned into the contract's requests: blank optional fields are left out (so the
// backend takes its defaults or the target's sidecar recipe) and what cannot be sent is listed for the auditor.
// The page never sends a path: in the browser it names a folder under the host's training root, in the app the
// main process asks for the folder with its own dialog.
import { TrainingFolderName, type SplitPlanRequest, type SplitPurpose, type TrainingRecipe, type TrainingSettings, type TrainingStartRequest } from '../../src-shared/contract/contract';

/** How this front door picks training folders (from settings); null until the settings are loaded. */
export type FolderChoice = TrainingSettings['folderChoice'] | null;

/** A number input's value: Vue gives a number, or the text when the field is blank or not a number. */
export type NumberInput = number | string;

export interface TrainingForm {
  purpose: SplitPurpose;
  datasetId: number | null;
  targetModelId: number | null;
  count: NumberInput;
  seed: NumberInput;
  trainSize: NumberInput;
  /** Used only where the folder is named (the browser); the app's dialog ignores it. */
  folderName: string;
  epochs: NumberInput;
  learningRate: NumberInput;
  batchSize: NumberInput;
  weightDecay: NumberInput;
  name: string;
}

export function emptyTrainingForm(): TrainingForm {
  return { purpose: 'shadow', datasetId: null, targetModelId: null, count: 8, seed: 0, trainSize: '', folderName: '', epochs: '', learningRate: '', batchSize: '', weightDecay: '', name: '' };
}

export const purposeExplanations: Record<SplitPurpose, string> = {
  shadow: "Shadow models (Shokri): each trains on m records of the dataset's aux pool and holds out another m.",
  reference: 'Reference models (LiRA, RMIA): each trains on a random half of the audited records, so every record is in about half of them.',
};

type Parsed = { value: number | undefined } | { problem: string };

interface NumberRule {
  integer?: boolean;
  min: number;
  /** Absent: no upper bound. */
  max?: number;
  minExclusive?: boolean;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (rule.max === undefined) return `${kind} of at least ${rule.min}`;
  return rule.minExclusive ? `${kind} above ${rule.min} and at most ${rule.max}` : `${kind} from ${rule.min} to ${rule.max}`;
}

function parseNumber(input: NumberInput, label: string, rule: NumberRule, required = false): Parsed {
  const text = typeof input === 'number' ? String(input) : input.trim();
  if (text === '') return required ? { problem: `${label} is required` } : { value: undefined };
  const value = Number(text);
  const low = rule.minExclusive ? value <= rule.min : value < rule.min;
  const high = rule.max !== undefined && value > rule.max;
  if (!Number.isFinite(value) || (rule.integer && !Number.isInteger(value)) || low || high) return { problem: `${label} must be ${describeRule(rule)}` };
  return { value };
}

export interface BuiltRequests {
  plan: SplitPlanRequest | null;
  start: TrainingStartRequest | null;
  /** Why the requests cannot be built yet, in words for the panel. */
  problems: string[];
}

/** The folder part of a request, or why there is none yet. */
function folderPart(form: TrainingForm, folderChoice: FolderChoice): { folderName?: string } | { problem: string } {
  if (folderChoice === null) return { problem: 'wait for the settings to load' };
  if (folderChoice === 'none') return { problem: 'this window cannot choose where plans go; use mia plan --out DIR' };
  if (folderChoice === 'dialog') return {};
  const name = form.folderName.trim();
  if (!name) return { problem: 'enter a folder name' };
  const parsed = TrainingFolderName.safeParse(name);
  return parsed.success ? { folderName: parsed.data } : { problem: `The folder name ${parsed.error.issues[0]?.message ?? 'is not valid'}` };
}

export function buildTrainingRequests(form: TrainingForm, folderChoice: FolderChoice): BuiltRequests {
  const problems: string[] = [];
  const take = (parsed: Parsed): number | undefined => {
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      return undefined;
    }
    return parsed.value;
  };
  if (form.datasetId === null) problems.push('choose a dataset');
  if (form.targetModelId === null) problems.push('choose a target classifier');
  const folder = folderPart(form, folderChoice);
  if ('problem' in folder) problems.push(folder.problem);
  const count = take(parseNumber(form.count, 'Count', { integer: true, min: 1, max: 256 }, true));
  const seed = take(parseNumber(form.seed, 'Seed', { integer: true, min: 0, max: 2 ** 31 - 1 }, true));
  const trainSize = form.purpose === 'shadow' ? take(parseNumber(form.trainSize, 'Train size m', { integer: true, min: 1 })) : undefined;
  const recipe: TrainingRecipe = {};
  const epochs = take(parseNumber(form.epochs, 'Epochs', { integer: true, min: 1, max: 1000 }));
  const learningRate = take(parseNumber(form.learningRate, 'Learning rate', { min: 0, max: 10, minExclusive: true }));
  const batchSize = take(parseNumber(form.batchSize, 'Batch size', { integer: true, min: 1, max: 4096 }));
  const weightDecay = take(parseNumber(form.weightDecay, 'Weight decay', { min: 0, max: 1 }));
  if (epochs !== undefined) recipe.epochs = epochs;
  if (learningRate !== undefined) recipe.learningRate = learningRate;
  if (batchSize !== undefined) recipe.batchSize = batchSize;
  if (weightDecay !== undefined) recipe.weightDecay = weightDecay;
  if (problems.length > 0 || 'problem' in folder || form.datasetId === null || form.targetModelId === null || count === undefined || seed === undefined) {
    return { plan: null, start: null, problems };
  }
  const plan: SplitPlanRequest = {
    purpose: form.purpose,
    datasetId: form.datasetId,
    targetModelId: form.targetModelId,
    count,
    seed,
    ...folder,
    ...(trainSize !== undefined ? { trainSize } : {}),
  };
  const name = form.name.trim();
  return { plan, start: { ...plan, recipe, ...(name ? { name } : {}) }, problems };
}
