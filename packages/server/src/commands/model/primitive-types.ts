/**
 * Fibery's primitive field types (reference §4.4): the column each is stored in (one SQL type name
 * both databases accept), how a stored value becomes JSON, and how a JSON value (an entity field or a
 * query parameter) becomes a stored value, refusing what does not fit.
 */
import type { FieldKind } from './type-model.ts';

export interface PrimitiveType {
  kind: FieldKind;
  columnType: string;
  decode(value: unknown): unknown;
  /** Throws TypeError with what the value must be. */
  encode(value: unknown): string | number | boolean;
}

/**
 * Throws unless `value` is text both databases store as given: PostgreSQL refuses NUL characters, and
 * both would store an unpaired surrogate (half of a UTF-16 pair) as U+FFFD, a silent change.
 */
export function checkStorableText(value: string): string {
  if (value.includes('\u0000')) throw new TypeError('must not contain NUL characters (\\u0000)');
  if (!value.isWellFormed()) throw new TypeError('must be valid Unicode (it has an unpaired surrogate)');
  return value;
}

const text = (max: number) => (value: unknown) => {
  if (typeof value !== 'string') throw new TypeError('must be a string');
  if (value.length > max) throw new TypeError(`must be at most ${max} characters`);
  return checkStorableText(value);
};

/**
 * The largest magnitude of a decimal: a sum or average of up to 10^8 of them stays finite in a
 * double, where PostgreSQL would fail with an overflow and SQLite answer Infinity.
 */
const MAX_DECIMAL = 1e300;

function decimal(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError('must be a number');
  if (Math.abs(value) > MAX_DECIMAL)
    throw new TypeError(`must be between -${MAX_DECIMAL} and ${MAX_DECIMAL}`);
  return value;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An ISO 8601 date-time: a date, "T", a time, and a zone. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function isDate(v: unknown): v is string {
  const match = typeof v === 'string' ? DATE.exec(v) : null;
  const date = match ? new Date(`${v}T00:00:00Z`) : null;
  return date !== null && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === v;
}

/**
 * A date, or the date a date-time names as written ("2024-01-15T00:00:00+02:00" is the 15th): the
 * n8n node sends every date as toISOString(). Null when it is neither.
 */
function dateOf(v: unknown): string | null {
  const date =
    typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)) ? v.slice(0, 10) : v;
  return isDate(date) ? date : null;
}

function dateTime(v: unknown): number {
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw new TypeError('must be an ISO 8601 date-time, like 2019-06-24T12:25:20.812Z');
  return ms;
}

function range<T>(v: unknown, part: (x: unknown) => T, example: string): { start: T; end: T } {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !('start' in v) || !('end' in v))
    throw new TypeError(`must be {"start": …, "end": …}, like ${example}`);
  const { start, end } = v as { start: unknown; end: unknown };
  const out = { start: part(start), end: part(end) };
  if (out.start > out.end) throw new TypeError('must not end before it starts');
  return out;
}

const parseJson = (v: unknown) => (v === null ? null : JSON.parse(String(v)));

export const PRIMITIVE_TYPES: Record<string, PrimitiveType> = {
  'fibery/text': { kind: 'text', columnType: 'TEXT', decode: (v) => v, encode: text(100_000) },
  'fibery/email': { kind: 'email', columnType: 'TEXT', decode: (v) => v, encode: text(1_000) },
  'fibery/url': { kind: 'text', columnType: 'TEXT', decode: (v) => v, encode: text(10_000) },
  'fibery/emoji': { kind: 'text', columnType: 'TEXT', decode: (v) => v, encode: text(64) },
  'fibery/uuid': {
    kind: 'uuid',
    columnType: 'TEXT',
    decode: (v) => v,
    encode: (v) => {
      if (
        typeof v !== 'string' ||
        !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)
      ) {
        throw new TypeError('must be a UUID');
      }
      return v.toLowerCase();
    },
  },
  'fibery/int': {
    kind: 'integer',
    columnType: 'BIGINT',
    decode: (v) => (v === null ? null : Number(v)),
    encode: (v) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError('must be a whole number');
      return v;
    },
  },
  'fibery/decimal': {
    kind: 'decimal',
    columnType: 'DOUBLE PRECISION',
    decode: (v) => (v === null ? null : Number(v)),
    // Fibery's own example sends decimals as strings ("2.01").
    encode: (v) => decimal(typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v),
  },
  'fibery/bool': {
    kind: 'boolean',
    columnType: 'BOOLEAN',
    decode: (v) => (v === null ? null : Boolean(v)),
    encode: (v) => {
      if (typeof v !== 'boolean') throw new TypeError('must be true or false');
      return v;
    },
  },
  'fibery/date': {
    kind: 'date',
    columnType: 'TEXT',
    decode: (v) => v,
    encode: (v) => {
      const date = dateOf(v);
      if (date === null)
        throw new TypeError('must be a date like 1979-10-12 (or a date-time, whose date it takes)');
      return date;
    },
  },
  'fibery/date-time': {
    kind: 'date-time',
    columnType: 'BIGINT',
    decode: (v) => (v === null ? null : new Date(Number(v)).toISOString()),
    encode: dateTime,
  },
  'fibery/json-value': {
    kind: 'json',
    columnType: 'TEXT',
    decode: parseJson,
    encode: (v) => JSON.stringify(v),
  },
  'fibery/date-range': {
    kind: 'json',
    columnType: 'TEXT',
    decode: parseJson,
    encode: (v) =>
      JSON.stringify(
        range(
          v,
          (x) => {
            const date = dateOf(x);
            if (date === null) throw new TypeError('must have dates like 1979-10-12');
            return date;
          },
          '{"start": "2019-06-27", "end": "2019-06-30"}',
        ),
      ),
  },
  'fibery/date-time-range': {
    kind: 'json',
    columnType: 'TEXT',
    // Stored as milliseconds, so q/start and q/end compare as date-times do.
    decode: (v) => {
      const r = parseJson(v);
      return r === null
        ? null
        : { start: new Date(r.start).toISOString(), end: new Date(r.end).toISOString() };
    },
    encode: (v) =>
      JSON.stringify(
        range(v, dateTime, '{"start": "2019-06-18T02:40:00.000Z", "end": "2019-07-25T11:40:00.000Z"}'),
      ),
  },
  'fibery/location': {
    kind: 'json',
    columnType: 'TEXT',
    decode: parseJson,
    encode: (v) => {
      const o =
        typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
      const number = (x: unknown, limit: number) =>
        typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= limit;
      if (!o || !number(o.longitude, 180) || !number(o.latitude, 90))
        throw new TypeError(
          'must be {"longitude": -180…180, "latitude": -90…90, "fullAddress"?, "addressParts"?}',
        );
      if (o.fullAddress !== undefined && typeof o.fullAddress !== 'string')
        throw new TypeError('fullAddress must be text');
      const parts = o.addressParts;
      if (
        parts !== undefined &&
        (typeof parts !== 'object' ||
          parts === null ||
          Array.isArray(parts) ||
          !Object.values(parts).every((p) => typeof p === 'string'))
      )
        throw new TypeError('addressParts must be an object of texts');
      return JSON.stringify({
        longitude: o.longitude,
        latitude: o.latitude,
        ...(o.fullAddress !== undefined ? { fullAddress: o.fullAddress } : {}),
        ...(parts !== undefined ? { addressParts: parts } : {}),
      });
    },
  },
  'fibery/color': {
    kind: 'text',
    columnType: 'TEXT',
    decode: (v) => v,
    encode: (v) => {
      if (typeof v !== 'string' || !/^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(v))
        throw new TypeError('must be a color like #F7D130');
      return v;
    },
  },
  'fibery/rank': {
    kind: 'decimal',
    columnType: 'DOUBLE PRECISION',
    decode: (v) => (v === null ? null : Number(v)),
    encode: decimal,
  },
};
