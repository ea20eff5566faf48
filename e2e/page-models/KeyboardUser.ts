import { expect, type Page } from '@playwright/test';

/** What has the keyboard focus, as a keyboard user would see it. */
export interface Focused {
  tag: string;
  id: string;
  role: string;
  /** aria-label, else the text of its <label>, else its own text: whitespace collapsed */
  name: string;
  value: string;
  ariaCurrent: string;
  checked: boolean;
  /** the element matches :focus-visible */
  focusVisible: boolean;
  outlineStyle: string;
  outlineWidth: number;
  /** a focus ring drawn on the element or on the element that follows it (a styled switch) */
  ringShown: boolean;
}

/**
 * A user who has only a keyboard: every move is a key press (Tab, Shift+Tab, Enter, Space, arrows,
 * typing). The page is read only to know where the focus went, never to move it.
 */
export class KeyboardUser {
  /** Every element the focus stopped on, in order, for the failure message. */
  readonly path: string[] = [];

  constructor(readonly page: Page) {}

  async focused(): Promise<Focused> {
    return this.page.evaluate(() => {
      const el = document.activeElement ?? document.body;
      const style = getComputedStyle(el);
      const ring = (e: Element | null) => {
        if (!e) return false;
        const s = getComputedStyle(e);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
      };
      const labelled = el.getAttribute('aria-label') ?? (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement ? el.labels?.[0]?.textContent : null);
      // a <select> or <textarea> is named by its label only; <body> (no focus in the page) by nothing
      const own = el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement || el === document.body ? '' : (el.textContent ?? '');
      const visible = el.matches(':focus-visible');
      return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        role: el.getAttribute('role') ?? '',
        name: (labelled ?? own).replace(/\s+/g, ' ').trim(),
        value: el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement ? el.value : '',
        ariaCurrent: el.getAttribute('aria-current') ?? '',
        checked: el instanceof HTMLInputElement ? el.checked : false,
        focusVisible: visible,
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        ringShown: visible && (ring(el) || (el instanceof HTMLInputElement && style.opacity === '0' && ring(el.nextElementSibling))),
      };
    });
  }

  /**
   * Press Tab (or Shift+Tab) until the focused element satisfies `wanted`; fails after `max` presses.
   * Every stop on the way must show a visible focus ring.
   */
  async tabTo(what: string, wanted: (f: Focused) => boolean, { max = 120, back = false }: { max?: number; back?: boolean } = {}): Promise<Focused> {
    for (let i = 0; i < max; i++) {
      await this.page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      const f = await this.focused();
      this.path.push(`${f.tag}${f.id ? `#${f.id}` : ''} "${f.name.slice(0, 50)}"`);
      if (f.tag !== 'body') expect(f.ringShown, `no visible focus ring on ${this.path.at(-1)}`).toBe(true);
      if (wanted(f)) return f;
    }
    throw new Error(`${what}: not reached with ${max} ${back ? 'Shift+Tab' : 'Tab'} presses; focus went through:\n${this.path.slice(-max).join('\n')}`);
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text);
  }
}
