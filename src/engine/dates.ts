/**
 * Dates a change board writes: a day (YYYY-MM-DD) or a moment (YYYY-MM-DD HH:MM, a time zone
 * may follow: "CET", "UTC", "+01:00"). Strict: a real calendar day, a real time — never
 * "yesterday-ish".
 */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MOMENT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?(?:\s*(?:Z|UTC|GMT|[A-Z]{2,5}|[+-]\d{2}:?\d{2}))?$/;

function realDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
  return d <= days && y >= 1970 && y <= 9999;
}

/** A day, YYYY-MM-DD, that exists. */
export function isDay(text: string): boolean {
  const m = DAY.exec(text.trim());
  return m !== null && realDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** A moment's sortable form "YYYY-MM-DD HH:MM" (00:00 when only a day is given), or undefined. */
export function momentKey(text: string): string | undefined {
  const m = MOMENT.exec(text.trim());
  if (!m || !realDay(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const min = m[5] === undefined ? 0 : Number(m[5]);
  if (h > 23 || min > 59) return undefined;
  return `${m[1]}-${m[2]}-${m[3]} ${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** YYYY-MM-DD plus some months, clamped to the month's last day (2026-08-31 + 6 → 2027-02-28). */
export function addMonths(day: string, months: number): string {
  const m = DAY.exec(day);
  if (!m) return day;
  const total = Number(m[1]) * 12 + Number(m[2]) - 1 + months;
  const y = Math.floor(total / 12);
  const mo = (total % 12) + 1;
  let d = Number(m[3]);
  while (!realDay(y, mo, d)) d--;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
