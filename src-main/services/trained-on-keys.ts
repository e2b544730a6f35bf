// Turns the `trained_on` list of a reference/shadow manifest into the record keys a dataset stores. People list
// the ids they have: the CSV's id text, or integers (an IDX or CIFAR import keys its records "0", "1", …, and
// training scripts keep them as numbers). A whole number therefore stands for its decimal text. Any other number
// cannot be such an id, and is refused: matched against nothing, it would silently make every record an OUT.
import { MiaError } from '../common/errors';

/** `where` names the manifest and the model entry, for the message. */
export function trainedOnKeys(ids: readonly (string | number)[], where: string): string[] {
  return ids.map((id, index) => {
    if (typeof id === 'string') return id;
    // -0 passes both tests and is the id "0", as JSON.parse reads "-0".
    if (Number.isSafeInteger(id) && id >= 0) return String(id);
    throw new MiaError(
      'model.bad-trained-on-id',
      `${where}: trained_on item ${index + 1} is ${id}; expected a record id as text, or as a whole number from 0 to ` +
        `${Number.MAX_SAFE_INTEGER} (larger numbers lose digits in JSON: write such ids as text).`,
      { item: index + 1, value: id },
    );
  });
}
