import { InvalidConfigError, loadConfig } from './pulse-config';

describe('loadConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.PULSE_DATA_DIR).toBe('./data');
    expect(config.EVENTSTORE_URL).toBeUndefined();
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.PULSE_UNKNOWN_ITEMS).toBe('reject');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ EVENTSTORE_URL: '', PULSE_ADMIN_KEY: ' ' }).EVENTSTORE_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['EVENTSTORE_URL', 'http://localhost:2113'],
    ['MONGODB_URI', 'localhost:27017'],
    ['PULSE_UNKNOWN_ITEMS', 'maybe'],
    ['PULSE_ADMIN_KEY', 'short'],
    ['PULSE_MAX_BATCH', '5000'],
  ])('names %s when it is %s', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(InvalidConfigError);
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      expect((error as InvalidConfigError).problems.map((p) => p.variable)).toEqual([variable]);
      expect((error as Error).message).toContain(variable);
    }
  });
});
