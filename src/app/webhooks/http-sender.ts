/**
 * Sends one webhook request: a POST with keep-alive connections, no redirects followed, and one deadline for the
 * whole exchange (connect, request, answer). Never throws: the outcome is a status code or an error text.
 */
import http from 'node:http';
import https from 'node:https';

export type SendOutcome = { readonly statusCode: number; readonly body: string } | { readonly error: string };

export interface WebhookSender {
  send(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendOutcome>;
  close(): void;
}

/** Only the start of an answer is kept: enough to explain a failure in the delivery log. */
const KEPT_ANSWER = 300;

export class HttpWebhookSender implements WebhookSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });

  send(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        finish({ error: 'the url is not valid' });
        return;
      }
      const secure = target.protocol === 'https:';
      const request = (secure ? https : http).request(target, {
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      });
      const timer = setTimeout(() => {
        finish({ error: `no answer within ${timeoutMs / 1000} s` });
        request.destroy();
      }, timeoutMs);
      request.on('error', (e: NodeJS.ErrnoException) => finish({ error: e.code ? `${e.code}: ${e.message}` : e.message }));
      request.on('response', (response) => {
        let kept = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (kept.length < KEPT_ANSWER) kept += chunk.slice(0, KEPT_ANSWER - kept.length);
        });
        response.on('end', () => finish({ statusCode: response.statusCode ?? 0, body: kept }));
        response.on('error', (e) => finish({ error: e.message }));
      });
      request.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
