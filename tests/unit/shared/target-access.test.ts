// The one target-access rule New run and the run start share: every registered classifier attack that does not declare
// label access is ruled out on a label-only target with the one-sentence reason, the two label-only attacks are not,
// and a diffusion target's access never rules out a classifier attack (or the other way round).
import { describe, expect, it } from 'vitest';
import { checkTargetAccess } from '../../../src-main/engine/attacks/target-access';
import { attackModules } from '../../../src-main/engine/attacks/registry';
import { attackAccessProblem, classifierAccessOf } from '../../../src-shared/domain/target-access';

const classifierAttacks = attackModules.filter((attack) => attack.family === 'classifier');
const labelOnlyAttacks = ['label-only-augmentation', 'label-only-boundary'];

describe('classifier access', () => {
  it('a label-only target rules out exactly the classifier attacks that need probabilities', () => {
    const ruledOut = classifierAttacks.filter((attack) => attackAccessProblem(attack, classifierAccessOf(true)) !== null).map((a) => a.id);
    expect(ruledOut).toEqual(expect.arrayContaining(['loss', 'confidence', 'entropy', 'modified-entropy', 'shokri', 'lira', 'rmia']));
    expect(ruledOut.some((id) => labelOnlyAttacks.includes(id))).toBe(false);
    expect(ruledOut.length).toBe(classifierAttacks.length - labelOnlyAttacks.length);
    expect(
      attackAccessProblem(
        classifierAttacks.find((a) => a.id === 'loss')!,
        'labels',
      ),
    ).toBe('It needs the probabilities or logits, which a label-only target does not expose (only its predicted label).');
  });

  it('a target that gives its outputs rules out nothing, and accesses of the other family are ignored', () => {
    for (const attack of attackModules) {
      expect(attackAccessProblem(attack, 'outputs'), attack.id).toBeNull();
      if (attack.family === 'classifier') expect(attackAccessProblem(attack, 'image-variation'), attack.id).toBeNull();
    }
    expect(classifierAccessOf(undefined)).toBe('outputs');
  });

  it('the run start refuses by the stored config, naming the attack and the target', () => {
    const loss = classifierAttacks.find((a) => a.id === 'loss')!;
    const target = { name: 'label API', kind: 'classifier', config: { labelOnly: true } };
    expect(() => checkTargetAccess(loss, target)).toThrow(/Loss threshold .* "label API" is treated as label-only/);
    expect(() => checkTargetAccess(loss, { ...target, config: { labelOnly: false } })).not.toThrow();
    expect(() =>
      checkTargetAccess(
        classifierAttacks.find((a) => a.id === 'label-only-boundary')!,
        target,
      ),
    ).not.toThrow();
  });
});
