/**
 * What "a rule" means in each export is the format's own knowledge: each renderer counts its
 * output (countRules) and says what it counts (countMeaning). The benchmark and the scale tests
 * ask the registry, so they see what a firewall would load, counted from the text itself.
 */
import { RENDERERS, type FormatId } from '../src/engine/index.ts';

export function countRules(format: FormatId, text: string): number {
  return RENDERERS[format].countRules(text);
}

export function countMeaning(format: FormatId): string {
  return RENDERERS[format].countMeaning;
}
