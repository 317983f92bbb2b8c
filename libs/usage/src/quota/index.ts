export * from './quota.entity';
export * from './quota-charge';
export * from './quota-errors';
export * from './quota-period';
export * from './quota-ledger.service';
