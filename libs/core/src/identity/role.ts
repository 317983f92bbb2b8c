export const ROLES = ['admin', 'finance', 'team_lead', 'developer'] as const;
export type Role = (typeof ROLES)[number];
