import { parseRoleText, type RoleTextParse } from './roleText.ts';

// One parse per text box, kept for the latest text: the store action and the card read the same
// result instead of parsing thousands of lines twice per keystroke. Boxes are keyed by role code
// (PRD, NTP …) or by group (USERW:0, DVC:2).
const latest = new Map<string, { text: string; parse: RoleTextParse }>();

export function parseRoleTextCached(box: string, text: string): RoleTextParse {
  const hit = latest.get(box);
  if (hit && hit.text === text) return hit.parse;
  const parse = parseRoleText(text);
  latest.set(box, { text, parse });
  return parse;
}
