/**
 * Saves data the page already has as a file, without a round trip to the backend: the browser's
 * download (web host) and Electron's default will-download handling both take an <a download>.
 */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  downloadUrl(url, fileName);
  // The click has started the download synchronously; revoke after this task so it keeps the URL.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function downloadUrl(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
