// The headless host's gate: a one-time token from the printed URL is exchanged for a session cookie; every
// later request must carry that cookie. Comparisons run in constant time.
import { randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../common/constant-time';

export class AccessGate {
  private token: string | null;
  private readonly sessions = new Set<string>();

  constructor(token = randomBytes(24).toString('base64url')) {
    this.token = token;
  }

  /** The token for the printed URL; null once it has been used. */
  get pendingToken(): string | null {
    return this.token;
  }

  /** Consumes the one-time token; returns a new session id when it matches, null otherwise. */
  redeem(candidate: string | null | undefined): string | null {
    if (this.token === null || !candidate || !constantTimeEqual(candidate, this.token)) return null;
    this.token = null;
    const session = randomBytes(24).toString('base64url');
    this.sessions.add(session);
    return session;
  }

  isSession(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    let found = false;
    // Compare against every session so the time taken does not depend on which one matched.
    for (const session of this.sessions) found = constantTimeEqual(candidate, session) || found;
    return found;
  }
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}
