/**
 * Webhook signatures (SPEC section 7): `Holdfast-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`
 * with the subscription's secret, `Holdfast-Timestamp` in Unix seconds. A receiver recomputes the HMAC over the
 * raw body it got and compares in constant time; checking the timestamp's age stops replays.
 */
import { createHmac } from 'node:crypto';

export function signatureOf(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

export function webhookHeaders(secret: string, eventId: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Holdfast-Webhooks/1',
    'holdfast-event-id': eventId,
    'holdfast-timestamp': String(timestamp),
    'holdfast-signature': signatureOf(secret, timestamp, body),
  };
}
