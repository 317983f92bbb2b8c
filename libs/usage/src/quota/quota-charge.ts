/** One quota period a call was admitted against. */
export interface QuotaCharge {
  quotaId: string;
  /** ISO-8601 start of the period in APP_TIMEZONE. */
  periodStart: string;
}
