import { describe, expect, it } from 'vitest';
import { wordTable } from '../../src/core/status.js';

describe('wordTable', () => {
  const lookup = wordTable<'pending' | 'completed'>({ queued: 'pending', success: 'completed' });

  it.each([
    ['queued', 'pending'],
    ['success', 'completed'],
    [' SUCCESS ', 'completed'],
    ['Queued', 'pending'],
  ])('maps %j to %j', (word, v3) => expect(lookup(word)).toBe(v3));

  it.each(['rendering', '', 'constructor', '__proto__', 'toString'])('gives undefined for the unknown word %j', (word) => {
    expect(lookup(word)).toBeUndefined();
  });
});
