import { TokenCache } from './token-cache';

describe('TokenCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1000;
  });

  it('should return a value until its expiry when it was set', () => {
    const cache = new TokenCache<string>(10, clock);
    cache.set('a', 'A', 2000);
    expect(cache.get('a')).toBe('A');
    now = 2000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('should not store a value when it is already expired', () => {
    const cache = new TokenCache<string>(10, clock);
    cache.set('a', 'A', 1000);
    expect(cache.size).toBe(0);
  });

  it('should evict the least recently used entry when full', () => {
    const cache = new TokenCache<string>(2, clock);
    cache.set('a', 'A', 5000);
    cache.set('b', 'B', 5000);
    cache.get('a');
    cache.set('c', 'C', 5000);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['A', undefined, 'C']);
  });
});
