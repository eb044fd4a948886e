import { redactUrl } from './logger-params';

describe('redactUrl', () => {
  it('hides the value of a token query parameter, wherever it is', () => {
    expect(redactUrl('/user_queue_tokens/events?token=abc')).toBe(
      '/user_queue_tokens/events?token=[Redacted]',
    );
    expect(redactUrl('/e?a=1&token=abc&b=2')).toBe('/e?a=1&token=[Redacted]&b=2');
    expect(redactUrl('/e?token=a&token=b')).toBe('/e?token=[Redacted]&token=[Redacted]');
    // Spelled so that the query parser still reads "token".
    expect(redactUrl('/e?t%6Fken=abc')).toBe('/e?t%6Fken=[Redacted]');
    expect(redactUrl('/e?TOKEN=abc')).toBe('/e?TOKEN=[Redacted]');
  });

  it('leaves other URLs alone', () => {
    expect(redactUrl('/concerts')).toBe('/concerts');
    expect(redactUrl('/e?tokens=1&x=token')).toBe('/e?tokens=1&x=token');
    expect(redactUrl('/e?%E0%A4%A=1')).toBe('/e?%E0%A4%A=1');
  });
});
