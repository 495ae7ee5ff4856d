import type { RateLimitConfig } from '../sandbox';

/**
 * How the emulated portal limits requests, and how the project is configured to match.
 *
 * - `standard`: Bitrix24's standard plan as the product ships for it — the sandbox's leaky
 *   bucket on (2 req/s, burst 50) and the project's client-side limiter at the same default.
 *   The limiter is what makes the auto-batcher fill batches (B8), and also what a command
 *   waits for (up to 1/2 s per sequential step once the burst is spent).
 * - `unlimited`: a portal that never limits — sandbox bucket off, client limiter set far above
 *   anything reached — so the figure is the bridge's own cost, not a wait for a slot.
 */
export type PortalProfile = 'standard' | 'unlimited';

export interface ProfileSettings {
  sandbox: RateLimitConfig;
  client: { perSecond: number; burst: number };
  label: string;
}

export const profiles: Record<PortalProfile, ProfileSettings> = {
  standard: {
    sandbox: { enabled: true, perSecond: 2, burst: 50 },
    client: { perSecond: 2, burst: 50 },
    label: 'standard plan (portal and client limiter 2 req/s, burst 50)',
  },
  unlimited: {
    sandbox: { enabled: false, perSecond: 2, burst: 50 },
    client: { perSecond: 100_000, burst: 100_000 },
    label: 'unlimited portal (no limiter binds)',
  },
};

/** Bitrix24's command ceiling on the standard plan: 2 requests/s × 50 commands a batch. */
export const STANDARD_COMMAND_CEILING = 2 * 50;
