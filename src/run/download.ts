/** Saves text or a blob as a file through a temporary link (the page's only DOM side effect here). */
export function download(name: string, data: string | Blob, type = 'application/json'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name that says what and when: batchscope-continuous-trace-2026-11-22T10-31.json */
export function fileName(what: string, ext: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 16).replace(/:/g, '-');
  return `batchscope-${what}-${stamp}.${ext}`;
}
