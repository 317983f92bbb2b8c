/**
 * The audit log, for any admin API feature (global module: inject without importing):
 *
 *   await this.audit.record(caller, 'quota.update', 'quota', quota.id, before, after, manager);
 *
 * Pass the transaction's EntityManager so the entry commits with the change. Secrets and hashes
 * (the one secret-field list: SECRET_FIELD_NAMES in @app/providers) are stripped at any depth.
 */
export { AuditService, withoutSecrets } from './audit.service';
export { AuditModule } from './audit.module';
