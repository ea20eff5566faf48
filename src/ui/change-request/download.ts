/** Save text as a file: a Blob behind an object URL, clicked through a temporary link. */
export function downloadText(text: string, fileName: string, mediaType: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mediaType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // the click starts the download synchronously; the URL is released once it has been read
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
