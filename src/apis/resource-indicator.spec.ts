import { resourceIndicatorProblem } from './resource-indicator';

describe('resourceIndicatorProblem (RFC 8707 §2)', () => {
  it.each([
    { value: 'https://api.example.com', expected: undefined },
    { value: 'https://api.example.com/orders', expected: undefined },
    { value: 'urn:example:orders', expected: undefined },
    { value: '/orders', expected: 'must be an absolute URI' },
    { value: 'orders', expected: 'must be an absolute URI' },
    { value: 'https://api.example.com/#x', expected: 'must not contain a fragment' },
    { value: `https://a.example/${'x'.repeat(250)}`, expected: 'must be at most 255 characters' },
  ])('should answer $expected when the indicator is $value', ({ value, expected }) => {
    expect(resourceIndicatorProblem(value)).toBe(expected);
  });
});
