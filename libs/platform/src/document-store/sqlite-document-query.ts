/**
 * Translates checked filters and sort keys (document-store.validation.ts)
 * into SQLite over a collection table `t (id, position, deleted, doc JSON)`,
 * following MongoDB's matching rules closely enough for the contract suite:
 *
 * - Comparisons are type-bracketed: `{price: {$gt: 5}}` matches numbers only,
 *   `{flag: true}` does not match `1` (json_extract turns true into 1, so the
 *   JSON type is checked next to the value).
 * - `{field: null}` matches a JSON null and a missing field.
 * - Equality, `$in`, `$ne` and ranges match an array field when ANY element
 *   matches (each operator on its own, as MongoDB does without $elemMatch).
 *
 * Field paths are inlined as JSON path literals (`'$.stats.views'`) rather
 * than bound, because SQLite only uses an expression index when the query
 * repeats the indexed expression literally. That is safe because paths are
 * validated to dotted identifiers before they get here.
 */
import type { Scalar } from './document-store.port';
import {
  type Condition,
  type FieldFilter,
  ID_FIELD,
  POSITION_FIELD,
  type SortKey,
} from './document-store.validation';

/**
 * A collection's element-by-element index of array fields (sqlite-array-index.ts):
 * equality and `$in` on these paths look array elements up there instead of
 * running json_each over every document.
 */
export interface ArrayIndexRef {
  readonly table: string;
  readonly paths: ReadonlySet<string>;
  /**
   * The declared paths where some live document holds an array element. For
   * the others no document can match through an element, so the array branch
   * is left out and the query stays a plain range on the expression index
   * (`status = 'active' AND listedAt >= ?` ordered by listedAt).
   */
  readonly populated: ReadonlySet<string>;
}

export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** A value to compare and the SQL expressions giving its value and JSON type. */
interface Operand {
  readonly value: string;
  readonly type: string;
  /** Set for document fields, which may hold arrays; unset for the id and position columns. */
  readonly jsonPath?: string;
}

/**
 * `qualifier` is `t.` inside queries and empty inside CREATE INDEX, where the
 * expression must otherwise be the same text for the planner to match it.
 */
export function operand(path: string, qualifier = 't.'): Operand {
  if (path === ID_FIELD) return { value: `${qualifier}id`, type: `'text'` };
  if (path === POSITION_FIELD) return { value: `${qualifier}position`, type: `'integer'` };
  const jsonPath = `$.${path}`;
  return {
    value: `json_extract(${qualifier}doc, '${jsonPath}')`,
    type: `json_type(${qualifier}doc, '${jsonPath}')`,
    jsonPath,
  };
}

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/** Predicate "value is one of `values`" on one scalar (a field or one array element). */
function matchesOneOf(values: readonly Scalar[], value: string, type: string): SqlFragment {
  const strings = values.filter((v): v is string => typeof v === 'string');
  const numbers = values.filter((v): v is number => typeof v === 'number');
  const parts: string[] = [];
  // Each part keeps `value` bare on one side so an expression index on it applies.
  if (strings.length > 0)
    parts.push(`(${value} IN (${placeholders(strings.length)}) AND ${type} = 'text')`);
  if (numbers.length > 0) {
    parts.push(
      `(${value} IN (${placeholders(numbers.length)}) AND ${type} IN ('integer', 'real'))`,
    );
  }
  if (values.includes(true)) parts.push(`(${value} = 1 AND ${type} = 'true')`);
  if (values.includes(false)) parts.push(`(${value} = 0 AND ${type} = 'false')`);
  // json_extract gives NULL for a JSON null and for a missing path; json_each gives NULL for a null element.
  if (values.includes(null)) parts.push(`${value} IS NULL`);
  if (parts.length === 0) return { sql: '0', params: [] }; // `$in: []` matches nothing
  return {
    sql: parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`,
    params: [...strings, ...numbers],
  };
}

const RANGE_SQL = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const;

function inRange(
  op: keyof typeof RANGE_SQL,
  bound: number | string,
  value: string,
  type: string,
): SqlFragment {
  const sameType =
    typeof bound === 'number' ? `${type} IN ('integer', 'real')` : `${type} = 'text'`;
  return { sql: `(${value} ${RANGE_SQL[op]} ? AND ${sameType})`, params: [bound] };
}

/**
 * Applies `predicate` to the field itself and, when the field is an array, to
 * each element. The array branch first tests that the field's JSON text lies
 * in ['[', '\') - i.e. starts with '[' - instead of calling json_type, so it
 * too is a range on the indexed expression and SQLite can serve the whole OR
 * from one index (MULTI-INDEX OR). A string starting with '[' passes that
 * test harmlessly: json_each of a scalar yields the scalar itself.
 */
function anyElement(
  field: Operand,
  predicate: (value: string, type: string) => SqlFragment,
  indexed?: { table: string; path: string; populated: boolean },
): SqlFragment {
  const direct = predicate(field.value, field.type);
  if (field.jsonPath === undefined) return direct;
  if (indexed && !indexed.populated) return direct;
  if (indexed) {
    const element = predicate('k.value', 'k.type');
    return {
      sql: `(${direct.sql} OR t.id IN (SELECT k.id FROM ${indexed.table} AS k WHERE k.path = '${indexed.path}' AND ${element.sql}))`,
      params: [...direct.params, ...element.params],
    };
  }
  const element = predicate('e.value', 'e.type');
  return {
    sql:
      `(${direct.sql} OR (${field.value} >= '[' AND ${field.value} < '\\' AND ` +
      `EXISTS (SELECT 1 FROM json_each(t.doc, '${field.jsonPath}') AS e WHERE ${element.sql})))`,
    params: [...direct.params, ...element.params],
  };
}

function conditionSql(
  field: Operand,
  condition: Condition,
  indexed?: { table: string; path: string; populated: boolean },
): SqlFragment {
  switch (condition.op) {
    case '$eq':
      return anyElement(field, (v, t) => matchesOneOf([condition.value], v, t), indexed);
    case '$in':
      return anyElement(field, (v, t) => matchesOneOf(condition.values, v, t), indexed);
    case '$ne': {
      // IS NOT TRUE rather than NOT: the match can be SQL NULL for a missing
      // field, and MongoDB's $ne matches documents without the field.
      const equal = anyElement(field, (v, t) => matchesOneOf([condition.value], v, t), indexed);
      return { sql: `(${equal.sql}) IS NOT TRUE`, params: equal.params };
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return anyElement(field, (v, t) => inRange(condition.op, condition.value, v, t), indexed);
    case '$exists':
      if (field.jsonPath === undefined) return { sql: condition.value ? '1' : '0', params: [] };
      // json_type is NULL only for a missing path; a JSON null exists.
      return { sql: `${field.type} IS ${condition.value ? 'NOT ' : ''}NULL`, params: [] };
  }
}

/** WHERE clause (without the keyword) for live documents matching every filter. */
export function whereSql(filters: readonly FieldFilter[], arrayIndex?: ArrayIndexRef): SqlFragment {
  const parts = ['t.deleted = 0'];
  const params: unknown[] = [];
  for (const { path, conditions } of filters) {
    const field = operand(path);
    const indexed = arrayIndex?.paths.has(path)
      ? { table: arrayIndex.table, path, populated: arrayIndex.populated.has(path) }
      : undefined;
    for (const condition of conditions) {
      const fragment = conditionSql(field, condition, indexed);
      parts.push(fragment.sql);
      params.push(...fragment.params);
    }
  }
  return { sql: parts.join(' AND '), params };
}

/**
 * ORDER BY clause. SQLite orders NULL (missing or null) first ascending and
 * last descending, like MongoDB; mixed types and arrays order differently
 * (see the adapter's limitations).
 */
export function orderBySql(sort: readonly SortKey[]): string {
  return sort
    .map(({ path, direction }) => `${operand(path).value} ${direction === 1 ? 'ASC' : 'DESC'}`)
    .join(', ');
}
