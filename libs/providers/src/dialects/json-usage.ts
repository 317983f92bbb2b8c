/** Parses JSON, or null when it is not JSON. */
export function safeJson(payload: Buffer | string): unknown {
  try {
    return JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * The `usage` object of a JSON response, found without parsing the whole (possibly large)
 * completion: the last `"usage":` key, then its balanced braces. Falls back to a full parse.
 */
export function extractUsageObject(payload: Buffer): unknown {
  const text = payload.toString('utf8');
  const at = text.lastIndexOf('"usage"');
  if (at >= 0) {
    const open = text.indexOf('{', at);
    const colon = text.indexOf(':', at);
    if (open > 0 && colon > 0 && colon < open && text.slice(colon + 1, open).trim() === '') {
      let depth = 0;
      for (let i = open; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 123) depth++;
        else if (c === 125 && --depth === 0) {
          try {
            return JSON.parse(text.slice(open, i + 1));
          } catch {
            break;
          }
        }
      }
    }
  }
  return (safeJson(payload) as { usage?: unknown } | null)?.usage ?? null;
}
