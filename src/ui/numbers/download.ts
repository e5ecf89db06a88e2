/** Save text as a file through a temporary object URL (no network). */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.click();
  // Revoke after the browser has taken the download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
