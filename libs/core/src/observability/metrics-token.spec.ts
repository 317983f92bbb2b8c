import { metricsScrapeAllowed } from './metrics-token';

describe('metricsScrapeAllowed', () => {
  const token = 'scrape-token-0123456789';

  it('lets every scrape through when no token is configured', () => {
    expect(metricsScrapeAllowed(undefined, undefined)).toBe(true);
    expect(metricsScrapeAllowed('Bearer anything', undefined)).toBe(true);
  });

  it('requires the exact token as a Bearer credential when one is configured', () => {
    expect(metricsScrapeAllowed(`Bearer ${token}`, token)).toBe(true);
    expect(metricsScrapeAllowed(`bearer ${token}`, token)).toBe(true);
    expect(metricsScrapeAllowed(undefined, token)).toBe(false);
    expect(metricsScrapeAllowed('Bearer wrong', token)).toBe(false);
    expect(metricsScrapeAllowed(`Bearer ${token}x`, token)).toBe(false);
    expect(metricsScrapeAllowed(token, token)).toBe(false);
    expect(metricsScrapeAllowed(`Basic ${token}`, token)).toBe(false);
  });
});
