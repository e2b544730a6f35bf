// The code of the MiaError a piece of work throws: undefined when it throws nothing, a telling text otherwise.
import { isMiaError } from '../../src-main/common/errors';

export function errorCodeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return isMiaError(error) ? error.code : `not a MiaError: ${String(error)}`;
  }
  return undefined;
}
