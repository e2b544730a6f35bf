// One copy of each repeated string: a million records that all name the same container path, role and source kind
// would otherwise hold a million copies of each (strings read from SQLite or a parsed message are never shared by V8).
export type StringInterner = <T extends string>(value: T) => T;

/** A function that returns the first string it saw equal to its argument; each interner has its own table. */
export function createStringInterner(): StringInterner {
  const known = new Map<string, string>();
  return <T extends string>(value: T): T => {
    const first = known.get(value) as T | undefined;
    if (first !== undefined) return first;
    known.set(value, value);
    return value;
  };
}
