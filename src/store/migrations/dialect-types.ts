import type { ColumnDefinitionBuilder, CreateTableBuilder } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

/** Adds an auto-incrementing integer primary key named `id` in the dialect's own way. */
export function withSerialId<T extends string>(table: CreateTableBuilder<T, never>, dialect: SqlDialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigserial', (c: ColumnDefinitionBuilder) => c.primaryKey())
    : table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement());
}
