/**
 * Upstream status words -> v3 status words. Each adapter declares its own table (the words differ
 * per provider, see README "Status words"); the lookup is shared. An unknown word gives undefined:
 * the caller treats the job as still in progress and reports the word (never a crash).
 */
export type WordTable<V> = (word: string) => V | undefined;

export function wordTable<V>(entries: Readonly<Record<string, V>>): WordTable<V> {
  // A Map, not the object: a word such as "constructor" must not hit a prototype member.
  const table = new Map<string, V>(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), v]));
  return (word) => table.get(word.trim().toLowerCase());
}
