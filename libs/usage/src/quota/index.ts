export * from './quota.entity';
export * from './quota-charge';
export * from './quota-errors';
export * from './quota-period';
export * from './quota-admission';
export * from './quota-definitions';
export * from './quota-status.service';
export * from './quota-ledger.service';
