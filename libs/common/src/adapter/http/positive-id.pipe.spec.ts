import { PositiveIdPipe } from './positive-id.pipe';

describe('PositiveIdPipe', () => {
  const pipe = new PositiveIdPipe('concert_id');

  it.each([
    ['1', 1],
    ['42', 42],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('accepts %s', (text, id) => {
    expect(pipe.transform(text)).toBe(id);
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '0x10', ' 7', '+7', '9007199254740992', '1'.repeat(20)])(
    'refuses %j naming the parameter',
    (text) => {
      expect(() => pipe.transform(text)).toThrow('concert_id must be a positive integer');
    },
  );

  it.each([undefined, '', '   '])('asks for a missing value (%j)', (value) => {
    expect(() => pipe.transform(value)).toThrow('concert_id is required');
  });
});
