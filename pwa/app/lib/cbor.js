// The CBOR the cards use, read strictly (RFC 8949 deterministic encoding): a map with small
// integer keys whose values are unsigned integers, byte strings or UTF-8 text. Anything else —
// indefinite lengths, non-shortest forms, duplicate or unsorted keys, trailing bytes — throws.

export function decodeMap(bytes) {
  const reader = { bytes, at: 0 };
  const [major, count] = head(reader);
  if (major !== 5) throw new Error('payload is not a CBOR map');
  const map = new Map();
  let previous = -1;
  for (let i = 0; i < count; i += 1) {
    const [keyMajor, key] = head(reader);
    if (keyMajor !== 0 || key <= previous) throw new Error('map keys must be unsigned, sorted and unique');
    previous = key;
    map.set(key, value(reader));
  }
  if (reader.at !== bytes.length) throw new Error('bytes after the CBOR map');
  return map;
}

function value(reader) {
  const [major, argument] = head(reader);
  if (major === 0) return argument;
  if (major === 2 || major === 3) {
    const end = reader.at + argument;
    if (end > reader.bytes.length) throw new Error('string runs past the end');
    const slice = reader.bytes.slice(reader.at, end);
    reader.at = end;
    return major === 2 ? slice : new TextDecoder('utf-8', { fatal: true }).decode(slice);
  }
  throw new Error(`CBOR major type ${major} is not used by LaborPass`);
}

function head(reader) {
  if (reader.at >= reader.bytes.length) throw new Error('CBOR ends early');
  const first = reader.bytes[reader.at];
  reader.at += 1;
  const major = first >> 5;
  const info = first & 0x1f;
  if (info < 24) return [major, info];
  const size = { 24: 1, 25: 2, 26: 4 }[info];
  if (!size) throw new Error('indefinite or oversized CBOR lengths are refused');
  if (reader.at + size > reader.bytes.length) throw new Error('CBOR ends early');
  let argument = 0;
  for (let i = 0; i < size; i += 1) argument = argument * 256 + reader.bytes[reader.at + i];
  reader.at += size;
  const shortest = size === 1 ? argument >= 24 : size === 2 ? argument > 0xff : argument > 0xffff;
  if (!shortest) throw new Error('CBOR number not in its shortest form');
  return [major, argument];
}
