/** What the usage writer's SQL needs of a connection: a TypeORM EntityManager, or a plain pg client. */
export interface SqlRunner {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** Runs `work` in one transaction (a DataSource in the gateway's thread, a pg pool in the writer thread). */
export interface SqlTransactions {
  transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
}
