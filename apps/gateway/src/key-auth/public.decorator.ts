import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_ROUTE = 'tollgate:public';

/**
 * Marks a gateway route that answers without a Tollgate key (health, liveness, the metrics scrape
 * with its own token). Every other route authenticates the caller's key before doing anything;
 * test/gateway/route-guards.e2e-spec.ts holds both to it.
 */
export const Public = () => SetMetadata(IS_PUBLIC_ROUTE, true);
