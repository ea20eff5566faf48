/** Save text as a file: a Blob and an object URL, nothing leaves the browser. */
export function downloadText(text: string, fileName: string, mediaType = 'text/plain'): void {
  const blob = new Blob([text], { type: `${mediaType};charset=utf-8` });
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
