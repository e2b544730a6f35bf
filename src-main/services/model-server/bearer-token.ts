// The model server's one secret: the bearer token every request must carry, read from the environment variable the
// config names or generated at start, and checked in constant time.
import crypto from 'node:crypto';
import { constantTimeEqual } from '../../common/constant-time';
import { MiaError } from '../../common/errors';

export interface ServerToken {
  readonly value: string;
  /** True when no environment variable supplied it: the caller prints it once so a client can use it. */
  readonly generated: boolean;
}

export function serverToken(tokenEnv: string | undefined, env: NodeJS.ProcessEnv = process.env): ServerToken {
  if (tokenEnv === undefined) return { value: crypto.randomBytes(32).toString('base64url'), generated: true };
  const value = env[tokenEnv];
  if (value === undefined || value.trim() === '') {
    throw new MiaError(
      'serve.token-missing',
      `The serve config names tokenEnv "${tokenEnv}", but that environment variable is not set or empty; set it to the token clients will send.`,
    );
  }
  return { value, generated: false };
}

/** Whether an Authorization header carries `Bearer <token>`, compared in constant time. */
export function carriesToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  // Compared even when the header does not match, so a malformed header takes as long as a wrong token.
  return constantTimeEqual(match?.[1] ?? '', token) && match !== null;
}
