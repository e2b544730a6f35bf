import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../../../src-main/engine/data/import-issues';
import { resolveLabels } from '../../../src-main/engine/data/labels';

describe('resolveLabels', () => {
  it('uses integer labels as class indices and keeps missing ones as null', () => {
    const issues = new IssueCollector();
    const result = resolveLabels(
      [
        { line: 2, label: '3' },
        { line: 3, label: null },
        { line: 4, label: 0 },
      ],
      'm.csv',
      issues,
    );
    expect(result).toEqual({ labels: [3, null, 0], classNames: null });
    expect(issues.count).toBe(0);
  });

  it('maps class names to indices in code-point order and returns the names', () => {
    const issues = new IssueCollector();
    const result = resolveLabels(
      [
        { line: 2, label: 'dog' },
        { line: 3, label: 'Cat' },
        { line: 4, label: 'cat' },
        { line: 5, label: 'dog' },
      ],
      'm.csv',
      issues,
    );
    expect(result.classNames).toEqual(['Cat', 'cat', 'dog']);
    expect(result.labels).toEqual([2, 0, 1, 2]);
  });

  it('refuses a mix of integers and class names, naming both lines', () => {
    const issues = new IssueCollector();
    resolveLabels(
      [
        { line: 2, label: '1' },
        { line: 3, label: 'cat' },
      ],
      'm.csv',
      issues,
    );
    expect(issues.issues[0]?.code).toBe('dataset.mixed-labels');
    expect(issues.issues[0]?.message).toMatch(/line 2.*line 3/);
  });

  it('refuses negative integer labels', () => {
    const issues = new IssueCollector();
    resolveLabels([{ line: 7, label: '-1' }], 'm.csv', issues);
    expect(issues.issues[0]).toMatchObject({ code: 'dataset.bad-label', line: 7, field: 'label' });
  });
});
