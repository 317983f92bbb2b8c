/** The caller behind a gateway API key, as cached in memory. */
export interface Principal {
  apiKeyId: string;
  userId: string;
  departmentId: string | null;
  expiresAt: number | null;
  /** Effective model allow-list (department's narrowed by the user's); null = every model. */
  allowedModels: ReadonlySet<string> | null;
}
