import { AwsError, constraintMessage } from './errors.js';

/**
 * Declarative input shapes, checked the way an AWS JSON 1.1 service checks them:
 * a value of the wrong JSON type is a `SerializationException`; a value of the
 * right type that breaks a constraint (length, range, pattern, enum, required)
 * is a `ValidationException` listing every failure in AWS's words, with the
 * lowerCamel member path (`filters.1.member.key`). Unknown members are ignored,
 * as AWS ignores them. Blobs arrive base64 and leave as Buffers.
 *
 * Sensitive members (secret values) are never echoed in a message.
 */
export type Shape = StringShape | IntegerShape | BooleanShape | BlobShape | TimestampShape | ListShape | MapShape | StructureShape;

/**
 * The TypeScript type a shape's input parses to, carried by the shape itself so
 * that an operation's input type is declared once, by its runtime shape.
 */
declare const parsed: unique symbol;
interface Parses<T> {
  readonly [parsed]?: T;
}
/** The type `parseInput` returns for shape `S`. */
export type Infer<S> = S extends Parses<infer T> ? Exclude<T, undefined> : never;

export interface StringShape<E extends string = string> extends Parses<E> {
  type: 'string';
  min?: number;
  max?: number;
  /** The model's pattern, verbatim: AWS quotes it so in its messages. */
  pattern?: string;
  /** `pattern` compiled to match the whole value, as the service's (Java) validator does. */
  regex?: RegExp;
  enum?: readonly E[];
  sensitive?: boolean;
}
export interface IntegerShape extends Parses<number> {
  type: 'integer';
  min?: number;
  max?: number;
}
export interface BooleanShape extends Parses<boolean> {
  type: 'boolean';
}
export interface BlobShape extends Parses<Buffer> {
  type: 'blob';
  min?: number;
  max?: number;
  sensitive?: boolean;
}
export interface TimestampShape extends Parses<number> {
  type: 'timestamp';
}
export interface ListShape<M extends Shape = Shape> extends Parses<Infer<M>[]> {
  type: 'list';
  member: M;
  min?: number;
  max?: number;
}
export interface MapShape<V extends Shape = Shape> extends Parses<Record<string, Infer<V>>> {
  type: 'map';
  key: StringShape;
  value: V;
  min?: number;
  max?: number;
}

type Members = Record<string, Shape>;
/** Required members present, the others optional. */
type StructureOf<M extends Members, R extends keyof M> = { [K in R]: Infer<M[K]> } & { [K in Exclude<keyof M, R>]?: Infer<M[K]> };
type Flatten<T> = { [K in keyof T]: T[K] };

export interface StructureShape<M extends Members = Members, R extends keyof M = keyof M> extends Parses<Flatten<StructureOf<M, R>>> {
  type: 'structure';
  members: M;
  required?: readonly R[];
}

/** Constraints of a string member, as the model states them. */
export interface StringOptions<E extends string> {
  min?: number;
  max?: number;
  pattern?: string;
  enum?: readonly E[];
  sensitive?: boolean;
}

export const str = <const E extends string = string>(opts: StringOptions<E> = {}): StringShape<E> => ({
  type: 'string',
  ...opts,
  ...(opts.pattern !== undefined ? { regex: wholeMatch(opts.pattern) } : {}),
});

/**
 * A model pattern as a JavaScript RegExp matching the whole value. Patterns
 * with `\p{…}` classes need the `u` flag; the others must not have it, since
 * they escape characters (`\!`, `\=`) that `u` forbids.
 */
function wholeMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, pattern.includes('\\p{') ? 'u' : '');
}
export const int = (opts: { min?: number; max?: number } = {}): IntegerShape => ({ type: 'integer', ...opts });
export const bool: BooleanShape = { type: 'boolean' };
export const blob = (opts: { min?: number; max?: number; sensitive?: boolean } = {}): BlobShape => ({ type: 'blob', ...opts });
export const list = <M extends Shape>(member: M, opts: { min?: number; max?: number } = {}): ListShape<M> => ({
  type: 'list',
  member,
  ...opts,
});
/** A structure; the members named in `required` parse to non-optional properties. */
export const struct = <M extends Members, const R extends keyof M & string = never>(
  members: M,
  required: readonly R[] = [],
  // NoInfer: a nested struct must not take its required members from the enclosing shape's context.
): StructureShape<M, NoInfer<R>> => ({
  type: 'structure',
  members,
  required,
});

interface Failure {
  value: string;
  path: string;
  constraint: string;
}

/**
 * Validates `input` against `shape`; returns it with blobs decoded to Buffers.
 * The one place the parsed value meets its static type: the walk below checks
 * every member against the same shape the type is inferred from.
 */
export function parseInput<S extends StructureShape<Members, string>>(input: unknown, shape: S): Infer<S> {
  const failures: Failure[] = [];
  const out = walkStructure(input, shape, '', failures);
  if (failures.length > 0) throw new AwsError('ValidationException', constraintMessage(failures));
  return out as Infer<S>;
}

const serialization = (message: string) => new AwsError('SerializationException', message, 400);

function walkStructure(input: unknown, shape: StructureShape<Members, string>, path: string, failures: Failure[]): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw serialization(`Start of structure or map found where not expected${path ? ` at '${path}'` : ''}.`);
  }
  const obj = input as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of shape.required ?? []) {
    if (obj[name] === undefined || obj[name] === null) {
      failures.push({ value: 'null', path: memberPath(path, name), constraint: 'Member must not be null' });
    }
  }
  for (const [name, memberShape] of Object.entries(shape.members)) {
    const value = obj[name];
    if (value === undefined || value === null) continue;
    out[name] = walk(value, memberShape, memberPath(path, name), failures);
  }
  return out;
}

function walk(value: unknown, shape: Shape, path: string, failures: Failure[]): unknown {
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') throw serialization(`Expected a string value at '${path}'.`);
      const shown = shape.sensitive ? '' : `'${value}'`;
      const len = [...value].length;
      if (shape.min !== undefined && len < shape.min)
        failures.push({ value: shown, path, constraint: `Member must have length greater than or equal to ${shape.min}` });
      if (shape.max !== undefined && len > shape.max)
        failures.push({ value: shown, path, constraint: `Member must have length less than or equal to ${shape.max}` });
      if (shape.regex && !shape.regex.test(value))
        failures.push({ value: shown, path, constraint: `Member must satisfy regular expression pattern: ${shape.pattern}` });
      if (shape.enum && !shape.enum.includes(value))
        failures.push({ value: shown, path, constraint: `Member must satisfy enum value set: [${shape.enum.join(', ')}]` });
      return value;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw serialization(`Expected an integer value at '${path}'.`);
      if (shape.min !== undefined && value < shape.min)
        failures.push({ value: `'${value}'`, path, constraint: `Member must have value greater than or equal to ${shape.min}` });
      if (shape.max !== undefined && value > shape.max)
        failures.push({ value: `'${value}'`, path, constraint: `Member must have value less than or equal to ${shape.max}` });
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw serialization(`Expected a boolean value at '${path}'.`);
      return value;
    case 'timestamp':
      if (typeof value !== 'number') throw serialization(`Expected a timestamp (epoch seconds) at '${path}'.`);
      return value;
    case 'blob': {
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
        throw serialization(`Expected a base64-encoded blob at '${path}'.`);
      }
      const bytes = Buffer.from(value, 'base64');
      if (shape.min !== undefined && bytes.length < shape.min)
        failures.push({ value: '', path, constraint: `Member must have length greater than or equal to ${shape.min}` });
      if (shape.max !== undefined && bytes.length > shape.max)
        failures.push({ value: '', path, constraint: `Member must have length less than or equal to ${shape.max}` });
      return bytes;
    }
    case 'list': {
      if (!Array.isArray(value)) throw serialization(`Expected a list at '${path}'.`);
      if (shape.min !== undefined && value.length < shape.min)
        failures.push({ value: listText(value), path, constraint: `Member must have length greater than or equal to ${shape.min}` });
      if (shape.max !== undefined && value.length > shape.max)
        failures.push({ value: listText(value), path, constraint: `Member must have length less than or equal to ${shape.max}` });
      if (shape.member.type === 'string') return walkStringList(value, shape.member, path, failures);
      return value.map((item, i) => {
        if (item === null) throw serialization(`Null list member at '${path}'.`);
        return walk(item, shape.member, `${path}.${i + 1}.member`, failures);
      });
    }
    case 'map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw serialization(`Expected a map at '${path}'.`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        walk(k, shape.key, `${path}.key`, failures);
        out[k] = walk(v, shape.value, `${path}.${k}`, failures);
      }
      return out;
    }
    case 'structure':
      return walkStructure(value, shape, path, failures);
  }
}

/**
 * A list of strings: AWS reports a bad member on the list itself, quoting the
 * whole list and every constraint of the member shape —
 * `Value '[a, b]' at 'labels' failed to satisfy constraint: Member must satisfy
 * constraint: [Member must have length less than or equal to 100, Member must
 * have length greater than or equal to 1]` (docs/aws-behaviour.md).
 */
function walkStringList(items: unknown[], member: StringShape, path: string, failures: Failure[]): string[] {
  const memberFailures: Failure[] = [];
  const out = items.map((item) => {
    if (item === null) throw serialization(`Null list member at '${path}'.`);
    return walk(item, member, path, memberFailures) as string;
  });
  if (memberFailures.length > 0) {
    failures.push({
      value: listText(items),
      path,
      constraint: `Member must satisfy constraint: [${memberConstraints(member).join(', ')}]`,
    });
  }
  return out;
}

/** A string shape's constraints in AWS's order: maximum length first. */
function memberConstraints(shape: StringShape): string[] {
  const out: string[] = [];
  if (shape.max !== undefined) out.push(`Member must have length less than or equal to ${shape.max}`);
  if (shape.min !== undefined) out.push(`Member must have length greater than or equal to ${shape.min}`);
  if (shape.pattern !== undefined) out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  if (shape.enum) out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  return out;
}

const memberPath = (parent: string, name: string) => {
  const camel = name.charAt(0).toLowerCase() + name.slice(1);
  return parent ? `${parent}.${camel}` : camel;
};

const listText = (items: unknown[]) => `'[${items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join(', ')}]'`;
