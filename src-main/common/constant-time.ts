// Comparing secrets (access tokens, bearer tokens) in constant time. Both sides are hashed first, so the time taken
// does not depend on the length of what was sent or on where it first differs.
import { createHash, timingSafeEqual } from 'node:crypto';

export function constantTimeEqual(sent: string, expected: string): boolean {
  const left = createHash('sha256').update(sent).digest();
  const right = createHash('sha256').update(expected).digest();
  // The digests of two different strings differ; equal digests of equal-length inputs mean equal strings.
  return timingSafeEqual(left, right) && sent.length === expected.length;
}
