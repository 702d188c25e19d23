"""Hostile QR texts, each with the answer it deserves: what a prankster's printout, a damaged
card, a forger or a QR from another system puts in front of a scanner. Built around genuine
cards, so each differs from a good card in exactly the way it names."""
from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from server.domain import credentials
from server.domain.base45 import b45decode, b45encode


def corpus(card: str, other_card: str) -> list[tuple[str, str, str]]:
    """``(label, text, reason)``: ``reason`` is the verifier's code for it."""
    body = b45decode(card.removeprefix("LP1:"))
    other = b45decode(other_card.removeprefix("LP1:"))
    header, payload, signature = body[:5], body[5:-64], body[-64:]

    def wrap(raw: bytes) -> str:
        return "LP1:" + b45encode(raw)

    flipped = bytearray(body)
    flipped[10] ^= 0x01
    forger = Ed25519PrivateKey.generate()
    forger_kid = credentials.key_id(forger.public_key())
    self_signed = bytes([1]) + forger_kid + payload
    return [
        ("truncated", card[: len(card) // 2], "malformed"),
        ("one character short", card[:-1], "malformed"),
        ("empty after the prefix", "LP1:", "malformed"),
        ("wrong prefix", "HC1:" + card[4:], "malformed"),
        ("a web address", "https://example.invalid/pay?id=1", "malformed"),
        ("lower case", card.lower(), "malformed"),
        ("outside the Base45 alphabet", card[:20] + "@#" + card[22:], "malformed"),
        ("shorter than an envelope", wrap(body[:60]), "malformed"),
        ("version 2", wrap(bytes([2]) + body[1:]), "unsupported_version"),
        ("unknown key id", wrap(bytes([1]) + b"\xde\xad\xbe\xef" + payload + signature),
         "unknown_key"),
        ("signed by a key nobody trusts", wrap(self_signed + forger.sign(self_signed)),
         "unknown_key"),
        ("another card's signature", wrap(header + payload + other[-64:]), "bad_signature"),
        ("another card's payload", wrap(header + other[5:-64] + signature), "bad_signature"),
        ("one bit flipped", wrap(bytes(flipped)), "bad_signature"),
        ("trailing bytes", wrap(body + b"\x00"), "bad_signature"),
        ("Chinese text", "LP1:张三李四王五", "malformed"),
        ("SQL", "LP1:' OR 1=1; DROP TABLE workers;--", "malformed"),
        ("script", "<script>document.title='pwned'</script>", "malformed"),
        ("image with onerror", 'LP1:"><img src=x onerror="document.title=\'pwned\'">',
         "malformed"),
        ("NUL and control bytes", "LP1:\x00\x01\x1b[31m\u202e", "malformed"),
        ("4 KB of Base45", "LP1:" + "A" * (4096 - 4), "malformed"),
    ]
