// The records of an attack task as the engine host receives them: each one checked against RunRecord, but kept as
// the object that arrived rather than copied. A million-record task would otherwise exist twice at once in the host
// (the message and its parsed copy), and its repeated strings (a container's path on every record, the role, the
// source kind) once per record; here they are shared, so the records of a run cost the host about half as much.
import { createStringInterner } from '../../common/string-interner';
import { z } from 'zod';
import { RunRecord } from './run-record';

export const RunRecordList = z.array(z.unknown()).transform((items, ctx): RunRecord[] => {
  const share = createStringInterner();
  for (let i = 0; i < items.length; i++) {
    const checked = RunRecord.safeParse(items[i]);
    if (!checked.success) {
      for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [i, ...issue.path] });
      return z.NEVER;
    }
    // Valid, so it has RunRecord's fields (and perhaps others the engine never reads).
    const record = items[i] as RunRecord;
    record.path = share(record.path);
    record.role = share(record.role);
    if (record.sourceKind !== undefined) record.sourceKind = share(record.sourceKind);
  }
  return items as RunRecord[];
});
