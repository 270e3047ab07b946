import type { SchemaField, SchemaRepository, SchemaType } from '../contract.ts';
import type { SqlExecutor } from '../sql-driver.ts';

interface TypeRow {
  id: string;
  name: string;
  table_name: string;
  meta: string;
}

interface FieldRow {
  id: string;
  type_id: string;
  name: string;
  fibery_type: string;
  column_name: string;
  meta: string;
  storage: string | null;
}

export function createSchemaRepository(db: SqlExecutor): SchemaRepository {
  return {
    async getSchema(workspaceId) {
      const [workspace] = await db.query<{ schema_version: number }>(
        'SELECT schema_version FROM workspaces WHERE id = $1',
        [workspaceId],
      );
      const types = await db.query<TypeRow>(
        'SELECT id, name, table_name, meta FROM schema_types WHERE workspace_id = $1 ORDER BY created_at, name',
        [workspaceId],
      );
      const fields = await db.query<FieldRow>(
        `SELECT f.id, f.type_id, f.name, f.fibery_type, f.column_name, f.meta, f.storage
         FROM schema_fields f JOIN schema_types t ON t.id = f.type_id WHERE t.workspace_id = $1 ORDER BY f.position`,
        [workspaceId],
      );
      return {
        version: Number(workspace?.schema_version ?? 1),
        types: types.map(
          (t): SchemaType => ({
            id: t.id,
            name: t.name,
            tableName: t.table_name,
            meta: JSON.parse(t.meta),
            fields: fields
              .filter((f) => f.type_id === t.id)
              .map(
                (f): SchemaField => ({
                  id: f.id,
                  name: f.name,
                  fiberyType: f.fibery_type,
                  columnName: f.column_name,
                  meta: JSON.parse(f.meta),
                  storage: f.storage === null ? null : JSON.parse(f.storage),
                }),
              ),
          }),
        ),
      };
    },

    async getSchemaVersion(workspaceId) {
      const [workspace] = await db.query<{ schema_version: number }>(
        'SELECT schema_version FROM workspaces WHERE id = $1',
        [workspaceId],
      );
      return Number(workspace?.schema_version ?? 1);
    },

    async createSchemaType(workspaceId, type, at) {
      await db.run(
        'INSERT INTO schema_types (id, workspace_id, name, table_name, meta, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [type.id, workspaceId, type.name, type.tableName, JSON.stringify(type.meta), at],
      );
    },

    async createSchemaField(typeId, field, position) {
      await db.run(
        `INSERT INTO schema_fields (id, type_id, name, fibery_type, column_name, meta, position, storage)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          field.id,
          typeId,
          field.name,
          field.fiberyType,
          field.columnName,
          JSON.stringify(field.meta),
          position,
          field.storage === null ? null : JSON.stringify(field.storage),
        ],
      );
    },

    async updateSchemaType(typeId, patch) {
      if (patch.name !== undefined)
        await db.run('UPDATE schema_types SET name = $1 WHERE id = $2', [patch.name, typeId]);
      if (patch.meta !== undefined)
        await db.run('UPDATE schema_types SET meta = $1 WHERE id = $2', [JSON.stringify(patch.meta), typeId]);
    },

    async deleteSchemaType(typeId) {
      await db.run('DELETE FROM schema_fields WHERE type_id = $1', [typeId]);
      await db.run('DELETE FROM schema_types WHERE id = $1', [typeId]);
    },

    async updateSchemaField(fieldId, patch) {
      const columns: [string, string | null][] = [];
      if (patch.name !== undefined) columns.push(['name', patch.name]);
      if (patch.meta !== undefined) columns.push(['meta', JSON.stringify(patch.meta)]);
      if (patch.storage !== undefined) columns.push(['storage', JSON.stringify(patch.storage)]);
      if (patch.columnName !== undefined) columns.push(['column_name', patch.columnName]);
      if (patch.fiberyType !== undefined) columns.push(['fibery_type', patch.fiberyType]);
      for (const [column, value] of columns)
        await db.run(`UPDATE schema_fields SET ${column} = $1 WHERE id = $2`, [value, fieldId]);
    },

    async deleteSchemaField(fieldId) {
      await db.run('DELETE FROM schema_fields WHERE id = $1', [fieldId]);
    },

    async bumpSchemaVersion(workspaceId) {
      await db.run('UPDATE workspaces SET schema_version = schema_version + 1 WHERE id = $1', [workspaceId]);
    },

    async nextPublicId(typeId) {
      const [row] = await db.query<{ public_sequence: number }>(
        'UPDATE schema_types SET public_sequence = public_sequence + 1 WHERE id = $1 RETURNING public_sequence',
        [typeId],
      );
      return Number(row!.public_sequence);
    },

    runStatement: (sql, params) => db.run(sql, params),
    execDdl: (sql) => db.exec(sql),
  };
}
