"""Base45 (RFC 9285): bytes as text in the QR alphanumeric alphabet."""
from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {char: value for value, char in enumerate(ALPHABET)}


class Base45Error(ValueError):
    pass


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        value = data[i] * 256 + data[i + 1]
        value, c = divmod(value, 45)
        e, d = divmod(value, 45)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += (ALPHABET[c], ALPHABET[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Decode; raise ``Base45Error`` on a foreign character, a bad length or an overflow."""
    try:
        values = [_VALUE[char] for char in text]
    except KeyError as exc:
        raise Base45Error(f"character {exc.args[0]!r} is not Base45") from None
    if len(values) % 3 == 1:
        raise Base45Error("length is not a valid Base45 length")
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i:i + 3]
        if len(chunk) == 3:
            value = chunk[0] + chunk[1] * 45 + chunk[2] * 45 * 45
            if value > 0xFFFF:
                raise Base45Error("triplet value exceeds 65535")
            out += bytes(divmod(value, 256))
        else:
            value = chunk[0] + chunk[1] * 45
            if value > 0xFF:
                raise Base45Error("final pair exceeds 255")
            out.append(value)
    return bytes(out)
