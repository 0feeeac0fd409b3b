/**
 * Saves text the station produced (a CSV export) as a file: a Blob URL on a temporary link.
 * No network and no new window: the browser downloads it, and the Electron shell allows only
 * downloads of its own blob: URLs (window-security.ts).
 */
export function downloadText(fileName: string, parts: readonly string[], type: string): void {
  const url = URL.createObjectURL(new Blob([...parts], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference by now; free ours after the click was handled.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
