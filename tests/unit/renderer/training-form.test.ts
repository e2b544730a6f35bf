// The training panel's form to request mapping: blanks left out so the backend's defaults apply, values that the
// contract would refuse named before anything is sent, and both requests accepted by the contract's schemas.
import { describe, expect, it } from 'vitest';
import { SplitPlanRequest, TrainingStartRequest } from '../../../src-preload/contract';
import { buildTrainingRequests, emptyTrainingForm, type TrainingForm } from '../../../src-renderer/composables/training-form';

const filled = (changes: Partial<TrainingForm> = {}): TrainingForm => ({ ...emptyTrainingForm(), datasetId: 3, targetModelId: 5, folder: ' /tmp/shadows ', ...changes });

describe('training form', () => {
  it('starts with 8 shadow models and seed 0, and asks for a dataset, a target and a folder', () => {
    const form = emptyTrainingForm();
    expect(form).toMatchObject({ purpose: 'shadow', count: 8, seed: 0 });
    const built = buildTrainingRequests(form);
    expect(built.plan).toBeNull();
    expect(built.start).toBeNull();
    expect(built.problems).toEqual(['choose a dataset', 'choose a target classifier', 'enter an output folder']);
  });

  it('leaves blank optional fields out so the backend takes the defaults and the sidecar recipe', () => {
    const built = buildTrainingRequests(filled());
    expect(built.problems).toEqual([]);
    expect(built.plan).toEqual({ purpose: 'shadow', datasetId: 3, targetModelId: 5, count: 8, seed: 0, folder: '/tmp/shadows' });
    expect(built.start).toEqual({ ...built.plan, recipe: {} });
    expect(SplitPlanRequest.safeParse(built.plan).success).toBe(true);
    expect(TrainingStartRequest.safeParse(built.start).success).toBe(true);
  });

  it('sends train size, recipe and set name when given (text or number), and drops train size for reference plans', () => {
    const form = filled({ count: '2', seed: 7, trainSize: 500, epochs: '3', learningRate: 0.01, batchSize: '64', weightDecay: '0', name: ' my shadows ' });
    const built = buildTrainingRequests(form);
    expect(built.plan).toEqual({ purpose: 'shadow', datasetId: 3, targetModelId: 5, count: 2, seed: 7, trainSize: 500, folder: '/tmp/shadows' });
    expect(built.start).toEqual({ ...built.plan, recipe: { epochs: 3, learningRate: 0.01, batchSize: 64, weightDecay: 0 }, name: 'my shadows' });
    expect(TrainingStartRequest.safeParse(built.start).success).toBe(true);
    expect(buildTrainingRequests({ ...form, purpose: 'reference' }).plan).not.toHaveProperty('trainSize');
  });

  it('names every value the contract would refuse', () => {
    const built = buildTrainingRequests(filled({ count: 0, seed: '', trainSize: 2.5, epochs: '1001', learningRate: 0, batchSize: 'many', weightDecay: 2 }));
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
