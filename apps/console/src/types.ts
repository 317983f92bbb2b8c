export type Role = 'admin' | 'finance' | 'team_lead' | 'developer';
export const ROLES: Role[] = ['developer', 'team_lead', 'finance', 'admin'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Me {
  id: string;
  email: string;
  name: string;
  role: Role;
  departmentId: string | null;
  departmentName: string | null;
  permissions: string[];
  gatewayUrl?: string;
}

export interface ConsoleConfig {
  gatewayUrl: string;
  needsFirstAdmin: boolean;
  firstAdminCommand: string;
}

export interface Department {
  id: string;
  name: string;
  allowedModels: string[] | null;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  departmentId: string | null;
  allowedModels: string[] | null;
  active: boolean;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  userId: string;
  name: string | null;
  prefix: string;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  key?: string;
}

interface Figures {
  tokens: string | null;
  requests: string | null;
  cost: string | null;
}

export interface QuotaStatus {
  quotaId: string;
  scope: 'user' | 'department';
  subjectId: string;
  period: 'minute' | 'day' | 'week' | 'month';
  periodStart: string;
  resetsAt: string;
  limit: Figures;
  used: Figures;
  remaining: Figures;
}

export interface SummaryRow {
  [dimension: string]: unknown;
  requests: number;
  failedRequests: number;
  totalTokens: number;
  promptTokens: number;
  completionTokens: number;
  cost: string;
  currency: string | null;
}

export interface Summary {
  range: string;
  from: string;
  to: string;
  rows: SummaryRow[];
}

interface TimeseriesFigures {
  requests: number;
  failedRequests: number;
  totalTokens: number;
  costs: Array<{ currency: string | null; cost: string }>;
}

/** One group's usage over the axis (`other`: the groups beyond the first few, summed). */
export interface TimeseriesSeries extends TimeseriesFigures {
  key: string | null;
  label: string | null;
  detail?: string | null;
  other: boolean;
  groups: number;
  points: Array<TimeseriesFigures & { bucket: string }>;
}

export interface Timeseries {
  range: string | null;
  unit: 'hour' | 'day';
  from: string;
  to: string;
  groupBy: string | null;
  buckets: string[];
  groups: number;
  series: TimeseriesSeries[];
}

export interface Provider {
  id: string;
  name: string;
  kind: string;
  baseUrl: string;
  hasApiKey: boolean;
  options: Record<string, unknown>;
  secretOptions: string[];
  enabled: boolean;
}

export interface Model {
  id: string;
  name: string;
  providerId: string;
  upstreamModel: string | null;
  inputPrice: string;
  outputPrice: string;
  cachedInputPrice: string | null;
  currency: string;
  enabled?: boolean;
}

export interface AuditEntry {
  id: string;
  createdAt: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
