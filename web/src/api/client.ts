/** The console's client: the package's typed client (holdfast/client) on this origin, with the signed-in key. */
import { createHoldfastClient } from '../../../src/client/index.ts';
import type { HoldfastClient } from '../../../src/client/index.ts';

export type ConsoleClient = HoldfastClient;

/** `onUnauthorized` runs when the service stops accepting the key (revoked while signed in). */
export function makeClient(apiKey: string, onUnauthorized: () => void): ConsoleClient {
  const client = createHoldfastClient({ baseUrl: window.location.origin, apiKey });
  client.use({
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  });
  return client;
}
