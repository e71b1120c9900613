import { deterministicUuid } from './deterministic-uuid';

describe('deterministicUuid', () => {
  it('matches the RFC 9562 version 5 test vector (DNS namespace, www.example.com)', () => {
    expect(deterministicUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('gives different ids for different names and the same id for the same name', () => {
    const ns = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    expect(deterministicUuid(ns, 'a')).toBe(deterministicUuid(ns, 'a'));
    expect(deterministicUuid(ns, 'a')).not.toBe(deterministicUuid(ns, 'b'));
  });
});
