/**
 * Response serializers: fast-json-stringify, with the unions it would test branch by branch made plain first.
 *
 * fast-json-stringify writes an `anyOf` by validating the value against each branch in turn, with a validator it
 * compiles the first time that branch is tried. So the first response of a route paid for compiling one validator
 * per branch of every union in its schema on the request thread (about 40 ms for a job run's first 202, which
 * requests waited behind), and every response paid for running them. Where every branch is a scalar (a string
 * literal, or one primitive type or null) the union is serialized as that type, and a union of one schema with null
 * as that schema or null (fast-json-stringify tests a list of types with `typeof`, null first): the value is written
 * the same way whichever branch it matches. Other unions (of two objects, say) stay unions. Request validation and
 * the OpenAPI document use the schemas as written.
 */
import fastJson from 'fast-json-stringify';

const SCALARS = new Set(['string', 'integer', 'number', 'boolean', 'null']);
/** Keywords of a branch that do not change how a value is written. */
const INERT = new Set(['type', 'const', 'enum', 'description', 'title', 'examples', 'default', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);

/** Fastify's serializer compiler: the route's response schema with plain unions, built by fast-json-stringify. */
export function compileSerializer({ schema }: { schema: unknown }): (data: unknown) => string {
  return fastJson(plainUnions(schema) as Parameters<typeof fastJson>[0]);
}

/**
 * A copy of `schema` in which each union of scalars is its type (or list of types), and each union of one schema
 * with null is that schema with null added to its type.
 */
export function plainUnions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(plainUnions);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = plainUnions(value);
  if (!Array.isArray(copy.anyOf) || copy.type !== undefined) return copy;
  const { anyOf: branches, ...rest } = copy as { anyOf: unknown[] };
  const types = scalarTypes(branches);
  if (types !== null) return { ...rest, type: types.length === 1 ? types[0] : types };
  const others = branches.filter((b) => !isNull(b));
  const only = others[0];
  if (others.length === 1 && branches.length === 2 && isTyped(only)) return { ...rest, ...only, type: [only.type, 'null'].flat() };
  return copy;
}

/** The types of a union's branches, in order and once each; null when a branch is not a plain scalar. */
function scalarTypes(branches: readonly unknown[]): string[] | null {
  const types: string[] = [];
  for (const branch of branches) {
    if (!isObject(branch) || Object.keys(branch).some((k) => !INERT.has(k))) return null;
    const type = branch.type ?? constType(branch.const);
    if (typeof type !== 'string' || !SCALARS.has(type)) return null;
    if (!types.includes(type)) types.push(type);
  }
  return types.length > 0 ? types : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isNull(branch: unknown): boolean {
  return isObject(branch) && branch.type === 'null' && Object.keys(branch).every((k) => INERT.has(k));
}

/** A schema of one type (or list of types), written by that type alone: no combinator or reference in it. */
function isTyped(branch: unknown): branch is Record<string, unknown> & { type: string | string[] } {
  if (!isObject(branch)) return false;
  const typed = typeof branch.type === 'string' || (Array.isArray(branch.type) && branch.type.every((t) => typeof t === 'string'));
  return typed && !['anyOf', 'oneOf', 'allOf', '$ref', 'if', 'not'].some((k) => k in branch);
}

function constType(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value;
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (value === null) return 'null';
  return undefined;
}
