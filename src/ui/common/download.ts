/** Save text as a file: a Blob and an object URL, nothing leaves the browser. */
export function downloadText(text: string | Iterable<string>, fileName: string, mediaType = 'text/plain'): void {
  // pieces go into the Blob as they are: a file larger than one string can hold still downloads
  const blob = new Blob(typeof text === 'string' ? [text] : Array.from(text), { type: `${mediaType};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // the download has started from the URL; give the browser a moment before releasing it
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
