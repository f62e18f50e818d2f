import type { z } from 'zod';

/**
 * Wraps a schema builder such as `envelope(item)` so each item schema gets its envelope built
 * once: zod compiles a parser per schema instance, and building one per upstream call cost about
 * 15 % of a status poll (see README "Performance").
 */
export function memoByItem<F extends (item: z.ZodType) => z.ZodType>(make: F): F {
  const cache = new WeakMap<z.ZodType, z.ZodType>();
  return ((item: z.ZodType) => {
    let schema = cache.get(item);
    if (!schema) {
      schema = make(item);
      cache.set(item, schema);
    }
    return schema;
  }) as F;
}
