/** The console's client: the package's typed client (holdfast/client) on this origin, with the signed-in key. */
import type { Client } from 'openapi-fetch';
import { createHoldfastClient } from '../../../src/client/index.ts';
import type { ConsolePaths } from './pending-paths.ts';

export type ConsoleClient = Client<ConsolePaths>;

/** `onUnauthorized` runs when the service stops accepting the key (revoked while signed in). */
export function makeClient(apiKey: string, onUnauthorized: () => void): ConsoleClient {
  const client = createHoldfastClient<ConsolePaths>({ baseUrl: window.location.origin, apiKey });
  client.use({
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  });
  return client;
}
