/**
 * Sends one webhook request: a POST over kept-alive connections (undici), no redirects followed, and one deadline
 * for the whole exchange (connect, request, answer). Never throws: the outcome is a status code or an error text.
 */
import { Agent } from 'undici';

export type SendOutcome = { readonly statusCode: number; readonly body: string } | { readonly error: string };

export interface WebhookSender {
  send(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendOutcome>;
  close(): void;
}

/** Only the start of an answer is kept: enough to explain a failure in the delivery log. */
const KEPT_ANSWER = 300;

export class HttpWebhookSender implements WebhookSender {
  /** Connections per receiver (origin): above the dispatcher's requests out per subscription. */
  private readonly agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });

  async send(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendOutcome> {
    let target: URL;
    try {
      target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') return { error: 'the url is not valid' };
    } catch {
      return { error: 'the url is not valid' };
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      const answer = await this.agent.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers,
        body,
        signal: deadline.signal,
      });
      let kept = '';
      if (answer.statusCode >= 200 && answer.statusCode < 300) await answer.body.dump();
      else {
        answer.body.setEncoding('utf8');
        for await (const chunk of answer.body) {
          kept += (chunk as string).slice(0, KEPT_ANSWER - kept.length);
          if (kept.length >= KEPT_ANSWER) break;
        }
      }
      return { statusCode: answer.statusCode, body: kept };
    } catch (e) {
      if (deadline.signal.aborted) return { error: `no answer within ${timeoutMs / 1000} s` };
      const error = e as Error & { code?: string; cause?: Error & { code?: string } };
      const cause = error.cause?.code ? error.cause : error;
      return { error: cause.code ? `${cause.code}: ${cause.message}` : cause.message };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    void this.agent.destroy();
  }
}
