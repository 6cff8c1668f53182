import { randomInt } from 'node:crypto';
import { operation } from '../module.js';
import type { Infer } from '../shape.js';
import { invalidParameter } from './errors.js';
import { shapes } from './shapes.js';

/**
 * GetRandomPassword (Secrets Manager API Reference: GetRandomPassword), from the OS CSPRNG (`crypto.randomInt`,
 * no modulo bias). Default pool: letters, digits and Python's
 * `string.punctuation`; at least one character of every included type unless
 * RequireEachIncludedType is false.
 */
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export type PasswordOptions = Infer<typeof shapes.GetRandomPassword>;

export function generatePassword(o: PasswordOptions): string {
  const length = o.PasswordLength ?? 32;
  const excluded = new Set(o.ExcludeCharacters ?? '');
  const types = [
    o.ExcludeLowercase ? '' : LOWER,
    o.ExcludeUppercase ? '' : UPPER,
    o.ExcludeNumbers ? '' : DIGITS,
    o.ExcludePunctuation ? '' : PUNCTUATION,
    o.IncludeSpace ? ' ' : '',
  ]
    .map((chars) => [...chars].filter((c) => !excluded.has(c)))
    .filter((chars) => chars.length > 0);
  const pool = types.flat();
  if (pool.length === 0) throw invalidParameter('No characters are left to generate a password from: every character type was excluded.');
  const required = o.RequireEachIncludedType === false ? [] : types;
  if (length < required.length) throw invalidParameter('Password length is too short based on the required types.');
  const chars = required.map((set) => set[randomInt(set.length)]);
  while (chars.length < length) chars.push(pool[randomInt(pool.length)]);
  // Fisher–Yates, so the guaranteed characters are not always at the front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

export const passwordOperations = {
  GetRandomPassword: operation(shapes.GetRandomPassword, (input) => ({ RandomPassword: generatePassword(input) })),
};
