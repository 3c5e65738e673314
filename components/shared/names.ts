/**
 * Names in tight places (the top bar, the status chip) are shortened on purpose, at a word
 * boundary, never cut mid-word by an ellipsis in CSS; the full name goes in the title.
 */
export function shortenAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const words = text.split(' ');
  let out = '';
  for (const w of words) {
    const next = out ? `${out} ${w}` : w;
    if (next.length + 1 > maxChars) break;
    out = next;
  }
  // A single word longer than the room is still better whole than cut.
  return `${out || words[0]}…`;
}
