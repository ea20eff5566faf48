import { exportPlan, type ExportRefusal, type FormatId, type Finding, type Plan, type RenderOptions, type RuleSet } from '../../engine/index.ts';

/** The preview shows this much of a file; Download and Copy always take all of it. */
export const PREVIEW_CHARS = 200_000;

/** One export as the Export view shows it: everything about the file but the file itself, and its beginning. */
export type ExportPreview =
  | {
      readonly ok: true;
      readonly fileName: string;
      readonly mediaType: string;
      readonly findings: readonly Finding[];
      /** the rules the file holds, counted the way the format counts them */
      readonly ruleCount: number;
      /** the file's first PREVIEW_CHARS characters (all of it when it is shorter) */
      readonly head: string;
      /** characters in the whole file */
      readonly length: number;
      /** the whole file's size in bytes (UTF-8) */
      readonly bytes: number;
    }
  | ExportRefusal;

/** UTF-8 size of a string without encoding it. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * The preview of one export: made in the expansion worker (or on the page where there is none),
 * so only the beginning of a large file ever reaches the page.
 */
export function exportPreview(plan: Plan, ruleSet: RuleSet, format: FormatId, options: RenderOptions, chars = PREVIEW_CHARS): ExportPreview {
  const r = exportPlan(plan, format, options, ruleSet);
  if (!r.ok) return r;
  return {
    ok: true,
    fileName: r.fileName,
    mediaType: r.mediaType,
    findings: r.findings,
    ruleCount: r.ruleCount,
    head: r.text.length > chars ? r.text.slice(0, chars) : r.text,
    length: r.text.length,
    bytes: utf8Bytes(r.text),
  };
}
