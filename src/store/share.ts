import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { type Plan, type PlanParse } from '../engine/index.ts';
import { parsePlanText } from '../engine/schema.ts';

/** A share link carries the plan in the URL fragment, which browsers never send to a server. */
export const SHARE_PREFIX = 'plan=';
/** Longer fragments are refused: browsers and chat tools truncate or choke on them. */
export const MAX_FRAGMENT_CHARS = 2 * 1024 * 1024;

export type ShareEncode = { ok: true; fragment: string } | { ok: false; message: string };

export function encodePlanFragment(plan: Plan): ShareEncode {
  const fragment = SHARE_PREFIX + compressToEncodedURIComponent(JSON.stringify(plan));
  if (fragment.length > MAX_FRAGMENT_CHARS) {
    return {
      ok: false,
      message: `This plan is too large for a share link (${(fragment.length / 1024 / 1024).toFixed(1)} MB compressed, the limit is 2 MB). Save the plan file and send that instead.`,
    };
  }
  return { ok: true, fragment };
}

/** undefined when the fragment carries no plan; otherwise the plan or the reasons it is unusable. */
export function decodePlanFragment(hash: string): PlanParse | undefined {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!fragment.startsWith(SHARE_PREFIX)) return undefined;
  if (fragment.length > MAX_FRAGMENT_CHARS) {
    return { ok: false, errors: [{ path: '(link)', message: `the link is ${(fragment.length / 1024 / 1024).toFixed(1)} MB long; share links are limited to 2 MB` }] };
  }
  const packed = fragment.slice(SHARE_PREFIX.length);
  let text: string | null;
  try {
    text = decompressFromEncodedURIComponent(packed);
  } catch {
    text = null;
  }
  if (text === null || text === '') {
    return { ok: false, errors: [{ path: '(link)', message: 'the link is damaged or cut short: the plan in it could not be unpacked' }] };
  }
  return parsePlanText(text);
}
