import { withUsageChunk } from '@app/providers';
import { reusedPayload } from './upstream-request';

describe('reusedPayload (the client text sent on without re-serialising)', () => {
  const text = '{"model":"m","messages":[{"role":"user","content":"hi \\"there\\""}],"max_tokens":32}\n';
  const body = JSON.parse(text) as Record<string, unknown>;

  it('sends the client text itself when the body is unchanged and the model name is the same', () => {
    expect(reusedPayload(text, body, body, 'm')).toBe(text);
  });

  it('appends fields the dialect adds at the top level (stream usage) and stays equal to re-serialising', () => {
    const streamBody = { ...body, stream: true };
    const streamText = JSON.stringify(streamBody);
    const payload = reusedPayload(streamText, streamBody, withUsageChunk(streamBody), 'm');
    expect(payload).toBeDefined();
    expect(JSON.parse(payload!)).toEqual(withUsageChunk(streamBody));
  });

  it('re-serialises when the model is renamed, a field changes, or "model" appears twice', () => {
    expect(reusedPayload(text, body, body, 'upstream-name')).toBeUndefined();
    const changed = { ...body, stream_options: { include_usage: true } };
    expect(reusedPayload(JSON.stringify(changed), changed, withUsageChunk(changed), 'm')).toBeUndefined();
    const duplicated = '{"model":"expensive","model":"m","messages":[]}';
    expect(reusedPayload(duplicated, JSON.parse(duplicated), JSON.parse(duplicated), 'm')).toBeUndefined();
    expect(reusedPayload(undefined, body, body, 'm')).toBeUndefined();
  });
});
