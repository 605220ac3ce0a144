import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES, eventListProblem, subscribesTo, webhookUrlProblem } from './webhook-events.ts';

describe('webhook event lists and urls (SPEC section 7)', () => {
  it('knows the seven event types of the SPEC', () => {
    expect([...WEBHOOK_EVENT_TYPES].sort()).toEqual(
      ['line.preordered', 'line.backordered', 'line.released', 'line.promise_changed', 'line.canceled', 'line.shipped', 'ping'].sort(),
    );
  });

  it('matches a type it lists, every type for "*", and a ping always', () => {
    expect(subscribesTo(['line.released'], 'line.released')).toBe(true);
    expect(subscribesTo(['line.released'], 'line.shipped')).toBe(false);
    expect(subscribesTo(['*'], 'line.promise_changed')).toBe(true);
    expect(subscribesTo(['line.shipped'], 'ping')).toBe(true);
  });

  it('accepts known types once each, or "*" alone, and says what is wrong otherwise', () => {
    expect(eventListProblem(['*'])).toBeNull();
    expect(eventListProblem(['line.released', 'line.canceled'])).toBeNull();
    expect(eventListProblem([])).toMatchObject({ index: -1 });
    expect(eventListProblem(['line.released', 'line.lost'])).toMatchObject({ index: 1, message: expect.stringContaining('line.lost') });
    expect(eventListProblem(['line.released', '*'])).toMatchObject({ index: 1 });
    expect(eventListProblem(['ping', 'ping'])).toMatchObject({ index: 1, message: expect.stringContaining('twice') });
  });

  it('takes only absolute http and https urls', () => {
    for (const ok of ['http://127.0.0.1:8080/hook', 'https://example.test/a/b?c=d', 'https://user:pw@example.test/']) expect(webhookUrlProblem(ok), ok).toBeNull();
    for (const bad of ['ftp://example.test/', 'example.test/hook', '/relative', 'javascript:alert(1)', 'data:text/plain,x', 'file:///tmp/x', '']) {
      expect(webhookUrlProblem(bad), bad).not.toBeNull();
    }
  });
});
