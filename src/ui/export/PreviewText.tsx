import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';

/**
 * Up to this many lines and characters the preview is one plain block; a longer one draws only
 * the lines in view. (A preview cut at 200,000 characters, as for 20,000 addresses, is under
 * 2,000 lines of nftables sets: laid out whole it held up switching to Export by some 60 ms.)
 */
const PLAIN_LINES = 2000;
const PLAIN_CHARS = 120_000;

/** What both forms of the preview carry: focusable, named, and marked while stale. */
interface Common {
  readonly tabIndex: number;
  readonly role: 'region';
  readonly 'aria-label': string;
  readonly 'aria-busy': boolean;
  readonly 'data-testid': string;
}

interface Props {
  text: string;
  label: string;
  /** the preview of exactly the plan and options shown (false while a newer one is being made) */
  fresh: boolean;
}

/**
 * The export preview. A file of 20,000 addresses is tens of thousands of lines: laying them all
 * out would cost the page more than making the file, so a long preview keeps only the lines in
 * view (and a few around them) in the page, as the rules table does.
 */
export function PreviewText({ text, label, fresh }: Props) {
  const lines = useMemo(() => text.split('\n'), [text]);
  const common: Common = {
    tabIndex: 0,
    role: 'region',
    'aria-label': label,
    'aria-busy': !fresh,
    // the test id marks the preview of what is shown now; a stale one is only dimmed
    'data-testid': fresh ? 'export-preview' : 'export-preview-stale',
  };
  if (lines.length <= PLAIN_LINES && text.length <= PLAIN_CHARS) {
    return (
      <pre className={fresh ? 'preview' : 'preview preview-stale'} {...common}>
        {text}
      </pre>
    );
  }
  return <LongPreview lines={lines} className={fresh ? 'preview' : 'preview preview-stale'} common={common} />;
}

function LongPreview({ lines, className, common }: { lines: readonly string[]; className: string; common: Common }) {
  const scrollRef = useRef<HTMLPreElement>(null);
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 19,
    overscan: 30,
  });
  return (
    <pre ref={scrollRef} className={`${className} preview-long`} data-lines={lines.length} {...common}>
      <span className="preview-lines" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => (
          <span key={v.key} data-index={v.index} ref={virtualizer.measureElement} className="preview-line" style={{ transform: `translateY(${v.start}px)` }}>
            {lines[v.index]}
          </span>
        ))}
      </span>
    </pre>
  );
}
