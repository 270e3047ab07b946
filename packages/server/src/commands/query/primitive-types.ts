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

const text = (max: number) => (value: unknown) => {
  if (typeof value !== 'string') throw new TypeError('must be a string');
  if (value.length > max) throw new TypeError(`must be at most ${max} characters`);
  return value;
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

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
    encode: (v) => {
      const n = typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError('must be a number');
      return n;
    },
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
      const match = typeof v === 'string' ? DATE.exec(v) : null;
      const date = match ? new Date(`${v}T00:00:00Z`) : null;
      if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== v) {
        throw new TypeError('must be a date like 1979-10-12');
      }
      return v as string;
    },
  },
  'fibery/date-time': {
    kind: 'date-time',
    columnType: 'BIGINT',
    decode: (v) => (v === null ? null : new Date(Number(v)).toISOString()),
    encode: (v) => {
      const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
      if (Number.isNaN(ms))
        throw new TypeError('must be an ISO 8601 date-time, like 2019-06-24T12:25:20.812Z');
      return ms;
    },
  },
  'fibery/json-value': {
    kind: 'json',
    columnType: 'TEXT',
    decode: (v) => (v === null ? null : JSON.parse(String(v))),
    encode: (v) => JSON.stringify(v),
  },
  'fibery/rank': {
    kind: 'decimal',
    columnType: 'DOUBLE PRECISION',
    decode: (v) => (v === null ? null : Number(v)),
    encode: (v) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError('must be a number');
      return v;
    },
  },
};
