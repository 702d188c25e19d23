// The 10-character code printed under the QR (server/domain/fallback_codes.py): no look-alikes,
// the last character a weighted mod-31 check, so one wrong key or two swapped ones are caught.
export const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

function check(body) {
  let sum = 0;
  [...body].forEach((char, i) => { sum += (i + 1) * ALPHABET.indexOf(char); });
  return ALPHABET[sum % 31];
}

/** The canonical code, or null when the text cannot be one (wrong characters or check). */
export function normalizeFallbackCode(text) {
  const code = text.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== 10 || [...code].some((char) => !ALPHABET.includes(char))) return null;
  return check(code.slice(0, -1)) === code.slice(-1) ? code : null;
}
