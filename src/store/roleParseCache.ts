import type { RoleCode } from '../engine/index.ts';
import { parseRoleText, type RoleTextParse } from './roleText.ts';

// One parse per role box, kept for the latest text: the store action and the role card read the
// same result instead of parsing thousands of lines twice per keystroke.
const latest = new Map<RoleCode, { text: string; parse: RoleTextParse }>();

export function parseRoleTextCached(role: RoleCode, text: string): RoleTextParse {
  const hit = latest.get(role);
  if (hit && hit.text === text) return hit.parse;
  const parse = parseRoleText(text);
  latest.set(role, { text, parse });
  return parse;
}
