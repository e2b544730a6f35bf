// The training panel's form to request mapping: blanks left out so the backend's defaults apply, values that the
// contract would refuse named before anything is sent, both requests accepted by the contract's schemas, and no
// path ever sent: a folder name in the browser, nothing in the app (its dialog asks).
import { describe, expect, it } from 'vitest';
import { SplitPlanRequest, TrainingStartRequest } from '../../../src-shared/contract/contract';
import { buildTrainingRequests, emptyTrainingForm, type TrainingForm } from '../../../src-renderer/composables/training-form';

const filled = (changes: Partial<TrainingForm> = {}): TrainingForm => ({ ...emptyTrainingForm(), datasetId: 3, targetModelId: 5, folderName: ' shadows ', ...changes });

describe('training form', () => {
  it('starts with 8 shadow models and seed 0, and asks for a dataset, a target and a folder name', () => {
    const form = emptyTrainingForm();
    expect(form).toMatchObject({ purpose: 'shadow', count: 8, seed: 0 });
    const built = buildTrainingRequests(form, 'name');
    expect(built.plan).toBeNull();
    expect(built.start).toBeNull();
    expect(built.problems).toEqual(['choose a dataset', 'choose a target classifier', 'enter a folder name']);
  });

  it('leaves blank optional fields out so the backend takes the defaults and the sidecar recipe', () => {
    const built = buildTrainingRequests(filled(), 'name');
    expect(built.problems).toEqual([]);
    expect(built.plan).toEqual({ purpose: 'shadow', datasetId: 3, targetModelId: 5, count: 8, seed: 0, folderName: 'shadows' });
    expect(built.start).toEqual({ ...built.plan, recipe: {} });
    expect(SplitPlanRequest.safeParse(built.plan).success).toBe(true);
    expect(TrainingStartRequest.safeParse(built.start).success).toBe(true);
  });

  it('sends train size, recipe and set name when given (text or number), and drops train size for reference plans', () => {
    const form = filled({ count: '2', seed: 7, trainSize: 500, epochs: '3', learningRate: 0.01, batchSize: '64', weightDecay: '0', name: ' my shadows ' });
    const built = buildTrainingRequests(form, 'name');
    expect(built.plan).toEqual({ purpose: 'shadow', datasetId: 3, targetModelId: 5, count: 2, seed: 7, trainSize: 500, folderName: 'shadows' });
    expect(built.start).toEqual({ ...built.plan, recipe: { epochs: 3, learningRate: 0.01, batchSize: 64, weightDecay: 0 }, name: 'my shadows' });
    expect(TrainingStartRequest.safeParse(built.start).success).toBe(true);
    expect(buildTrainingRequests({ ...form, purpose: 'reference' }, 'name').plan).not.toHaveProperty('trainSize');
  });

  it('sends no folder at all in the app, whose dialog asks, and refuses to build a request where no folder can be chosen', () => {
    const built = buildTrainingRequests(filled({ folderName: '/tmp/anything' }), 'dialog');
    expect(built.problems).toEqual([]);
    expect(built.plan).toEqual({ purpose: 'shadow', datasetId: 3, targetModelId: 5, count: 8, seed: 0 });
    expect(buildTrainingRequests(filled(), 'none').problems).toEqual(['this window cannot choose where plans go; use mia plan --out DIR']);
    expect(buildTrainingRequests(filled(), null).plan).toBeNull();
  });

  it('refuses a folder name that is a path, or climbs out with ..', () => {
    for (const folderName of ['../x', '/tmp/x', 'a/b', 'a\\b', '..', '.hidden', 'a..b']) {
      const built = buildTrainingRequests(filled({ folderName }), 'name');
      expect(built.plan, folderName).toBeNull();
      expect(built.problems.join(' '), folderName).toMatch(/^The folder name must/);
    }
  });

  it('names every value the contract would refuse', () => {
    const built = buildTrainingRequests(filled({ count: 0, seed: '', trainSize: 2.5, epochs: '1001', learningRate: 0, batchSize: 'many', weightDecay: 2 }), 'name');
    expect(built.plan).toBeNull();
    expect(built.problems).toEqual([
      'Count must be a whole number from 1 to 256',
      'Seed is required',
      'Train size m must be a whole number of at least 1',
      'Epochs must be a whole number from 1 to 1000',
      'Learning rate must be a number above 0 and at most 10',
      'Batch size must be a whole number from 1 to 4096',
      'Weight decay must be a number from 0 to 1',
    ]);
  });
});
