import { TransformParameterError } from './errors.js';

/**
 * Applies a transform the way Powertools does: `json` parses, `binary` base64-decodes to a UTF-8 string,
 * `auto` picks one of the two from a `.json` / `.binary` suffix of `key` (case-insensitive) and leaves other
 * keys untouched. A `Uint8Array` is first read as UTF-8 text. Other values pass through.
 */
export function transformValue(value: unknown, transform: string, key: string): unknown {
  const method = transform.toLowerCase();
  let effective = method;
  if (method === 'auto') {
    const lower = key.toLowerCase();
    if (lower.endsWith('.json')) effective = 'json';
    else if (lower.endsWith('.binary')) effective = 'binary';
    else return value;
  }
  if (effective !== 'json' && effective !== 'binary') {
    throw new TransformParameterError(transform, `unknown transform; use 'json', 'binary' or 'auto'`);
  }
  if (!(typeof value === 'string' || value instanceof Uint8Array)) return value;
  const text = typeof value === 'string' ? value : new TextDecoder('utf-8').decode(value);
  if (effective === 'json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new TransformParameterError(transform, (error as Error).message);
    }
  }
  if (!isBase64(text)) throw new TransformParameterError(transform, 'the value is not valid base64');
  return Buffer.from(text, 'base64').toString('utf-8');
}

/** Checks `transform` names before any network call, so a typo fails fast. */
export function assertTransform(transform: unknown, allowAuto: boolean): void {
  if (transform === undefined) return;
  const lower = typeof transform === 'string' ? transform.toLowerCase() : '';
  const ok = lower === 'json' || lower === 'binary' || (allowAuto && lower === 'auto');
  if (!ok) {
    throw new TransformParameterError(String(transform), `unknown transform; use 'json', 'binary'${allowAuto ? " or 'auto'" : ''}`);
  }
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/;
function isBase64(text: string): boolean {
  const trimmed = text.trim();
  return BASE64.test(trimmed) && trimmed.replace(/[\r\n]/g, '').length % 4 === 0;
}
