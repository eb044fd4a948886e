import { FakeClock } from '@test/support/fake-clock';
import {
  activeUntil,
  admissionSlots,
  effectiveSettings,
  isValidSettingCount,
  settingCountMessage,
} from './admission-policy';

describe('admission policy', () => {
  const clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));

  describe('effectiveSettings', () => {
    it('takes the stored overrides, else the environment', () => {
      const defaults = { maxActive: 100, admitPerMinute: 600 };
      expect(
        effectiveSettings({ maxActive: null, admitPerMinute: null, paused: false }, defaults),
      ).toEqual({ maxActive: 100, admitPerMinute: 600, paused: false });
      expect(
        effectiveSettings({ maxActive: 0, admitPerMinute: 5, paused: true }, defaults),
      ).toEqual({ maxActive: 0, admitPerMinute: 5, paused: true });
    });
  });

  describe('admissionSlots', () => {
    const settings = { maxActive: 10, admitPerMinute: 6, paused: false };

    it('is what the smaller of the two caps leaves', () => {
      expect(admissionSlots(settings, 0, 0)).toBe(6);
      expect(admissionSlots(settings, 7, 0)).toBe(3);
      expect(admissionSlots(settings, 2, 4)).toBe(2);
    });

    it('is never negative (a lowered cap evicts nobody)', () => {
      expect(admissionSlots(settings, 15, 0)).toBe(0);
      expect(admissionSlots(settings, 0, 9)).toBe(0);
      expect(admissionSlots({ ...settings, maxActive: 0 }, 0, 0)).toBe(0);
    });

    it('is zero while paused', () => {
      expect(admissionSlots({ ...settings, paused: true }, 0, 0)).toBe(0);
    });
  });

  describe('time rules', () => {
    it('an admitted token lives the TTL from its admission', () => {
      expect(activeUntil(clock.now(), 600).toISOString()).toBe('2026-01-01T00:10:00.000Z');
    });
  });

  describe('setting counts', () => {
    it.each([0, 1, 1_000_000])('accepts %p', (value) => {
      expect(isValidSettingCount(value)).toBe(true);
    });

    it.each([-1, 1.5, 1_000_001, '5', true, null, NaN])('refuses %p', (value) => {
      expect(isValidSettingCount(value)).toBe(false);
    });

    it('names the setting in the message', () => {
      expect(settingCountMessage('max_active')).toBe(
        'max_active must be a non-negative integer (at most 1000000)',
      );
    });
  });
});
