import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config/config.ts';

describe('readConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = readConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.RATE_LIMIT_PER_MINUTE).toBe(30);
    expect(c.SANDBOX_BACKEND).toBe('sim');
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.SLACK_TA_USERS).toEqual([]);
  });

  it('names the variable that is wrong', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT: must be a whole number from 1 to 65535/);
    expect(() => readConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
    expect(() => readConfig({ SLACK_API_URL: 'not a url' })).toThrow(/SLACK_API_URL/);
    expect(() => readConfig({ SANDBOX_BACKEND: 'vm' })).toThrow(/SANDBOX_BACKEND/);
  });

  it('reads lists and trims values', () => {
    const c = readConfig({ SLACK_TA_USERS: ' U1, U2 ,', REDIS_URL: ' redis://127.0.0.1:6390 ' });
    expect(c.SLACK_TA_USERS).toEqual(['U1', 'U2']);
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6390');
  });
});
