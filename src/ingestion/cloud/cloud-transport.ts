import { Injectable } from '@nestjs/common';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { AuthClient } from 'google-auth-library';
import { DEFAULT_RETRY, RetryPolicy } from '../../sources/retry-policy.js';

/**
 * How the cloud importers reach their providers beyond what config says. Production uses the
 * defaults (SDK transports, the source's credentials, DEFAULT_RETRY); tests swap in a replaying
 * Azure HTTP client, fake credentials and a fast retry policy. Never holds secrets from config.
 */
@Injectable()
export class CloudTransport {
  retry: RetryPolicy = DEFAULT_RETRY;
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms));
  /** Azure: an HTTP client replacing the SDK's (requests keep their real URLs). */
  azureHttpClient: HttpClient | undefined;
  azureCredential: TokenCredential | undefined;
  /** GCP catalog: an auth client replacing Application Default Credentials. */
  gcpAuthClient: AuthClient | undefined;
}
