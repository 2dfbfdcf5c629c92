import { Principal } from './roles.js';

/** A credential that checked out: who presents it, and what a web session made from it hangs on. */
export interface VerifiedCredential {
  principal: Principal;
  /** The API token presented; null for an OIDC identity. */
  tokenId: number | null;
  /** When the credential stops being valid (token expiry, the JWT's `exp`); null when never. */
  expiresAt: Date | null;
}
