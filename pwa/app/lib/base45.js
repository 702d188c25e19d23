// RFC 9285 Base45 decoding, as the server's server/domain/base45.py: strict, throws on anything else.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE = new Map([...ALPHABET].map((char, value) => [char, value]));

export function b45decode(text) {
  const values = [...text].map((char) => {
    if (!VALUE.has(char)) throw new Error(`character ${JSON.stringify(char)} is not Base45`);
    return VALUE.get(char);
  });
  if (values.length % 3 === 1) throw new Error('length is not a valid Base45 length');
  const out = [];
  for (let i = 0; i < values.length; i += 3) {
    if (i + 2 < values.length) {
      const value = values[i] + values[i + 1] * 45 + values[i + 2] * 2025;
      if (value > 0xffff) throw new Error('triplet value exceeds 65535');
      out.push(value >> 8, value & 0xff);
    } else {
      const value = values[i] + values[i + 1] * 45;
      if (value > 0xff) throw new Error('final pair exceeds 255');
      out.push(value);
    }
  }
  return Uint8Array.from(out);
}
