"""Signed tree heads (Ed25519) over the global Merkle log of audit entries.

The signature covers the RFC 6962 section 3.5 ``TreeHeadSignature`` structure, 50 bytes::

    version          1 byte   0 (v1)
    signature_type   1 byte   1 (tree_hash)
    timestamp        8 bytes  big-endian uint64, ms since the epoch
    tree_size        8 bytes  big-endian uint64
    sha256_root_hash 32 bytes

i.e. ``struct.pack(">BBQQ", 0, 1, timestamp, tree_size) + root``, signed with Ed25519 (RFC
8032; TLS SignatureScheme ``ed25519`` = 0x0807). ``to_json`` also gives the head in the shape
of a CT ``get-sth`` answer: ``sha256_root_hash`` (base64) and ``tree_head_signature`` (base64
of the TLS ``DigitallySigned`` encoding: 0x08 0x07, a 2-byte length, the signature), so a
standard transparency-log verifier that accepts Ed25519 keys can check it.

Heads signed before this format (the canonical JSON
``{"root_hash":"<64 hex>","timestamp":<ms>,"tree_size":<n>}``) still verify: both forms
commit to the same three values, and neither can be mistaken for the other or for a bundle
manifest signature (which starts with its own context string).

The ``key_id`` (first 16 hex digits of SHA-256 of the raw 32-byte public key) is not signed; it
only says which key to use, and :func:`verify_tree_head` checks it against the key given.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from signaling.domain.audit_chain import canonical_json

_HEX64 = re.compile(r"[0-9a-f]{64}")
_UINT64 = 1 << 64
# RFC 6962 section 3.5: Version v1(0), SignatureType tree_hash(1).
_V1_TREE_HASH = struct.Struct(">BBQQ")
# TLS SignatureAndHashAlgorithm for Ed25519 (RFC 8422 section 5.1.3): Intrinsic(8), ed25519(7).
ED25519_SCHEME = b"\x08\x07"


@dataclass(frozen=True)
class SignedTreeHead:
    """A tree size and root, signed at ``timestamp`` by the key named ``key_id``."""

    tree_size: int
    root_hash: str  # lower-case hex of the 32-byte root
    timestamp: int  # ms since the epoch
    signature: str  # base64 of the 64-byte Ed25519 signature
    key_id: str

    def __post_init__(self) -> None:
        if isinstance(self.tree_size, bool) or not isinstance(self.tree_size, int):
            raise ValueError("tree_size must be an integer")
        if not 0 <= self.tree_size < _UINT64:
            raise ValueError("tree_size must be 0..2**64-1")
        if not isinstance(self.root_hash, str) or not _HEX64.fullmatch(self.root_hash):
            raise ValueError("root_hash must be 64 lower-case hex digits")
        if isinstance(self.timestamp, bool) or not isinstance(self.timestamp, int):
            raise ValueError("timestamp must be an integer (ms since the epoch)")
        if not 0 <= self.timestamp < _UINT64:
            raise ValueError("timestamp must be 0..2**64-1")

    @property
    def root(self) -> bytes:
        """The root hash as bytes."""
        return bytes.fromhex(self.root_hash)

    def signed_bytes(self) -> bytes:
        """The exact bytes the signature covers: RFC 6962's ``TreeHeadSignature`` (see the
        module docstring)."""
        return _V1_TREE_HASH.pack(0, 1, self.timestamp, self.tree_size) + self.root

    def legacy_signed_bytes(self) -> bytes:
        """What heads signed before the RFC 6962 form covered (still accepted)."""
        return canonical_json(
            {"tree_size": self.tree_size, "root_hash": self.root_hash, "timestamp": self.timestamp}
        )

    def digitally_signed(self) -> bytes:
        """The signature in TLS ``DigitallySigned`` form, as CT's ``tree_head_signature``."""
        try:
            raw = base64.b64decode(self.signature, validate=True)
        except binascii.Error:
            raw = b""
        return ED25519_SCHEME + struct.pack(">H", len(raw)) + raw

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with the five fields, plus the two CT ``get-sth`` fields derived
        from them (``sha256_root_hash``, ``tree_head_signature``, both base64)."""
        return {
            **asdict(self),
            "sha256_root_hash": base64.b64encode(self.root).decode(),
            "tree_head_signature": base64.b64encode(self.digitally_signed()).decode(),
        }

    @classmethod
    def from_json(cls, data: Any) -> SignedTreeHead:
        """Parse a tree head from JSON data; ``ValueError`` names what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("a tree head must be a JSON object")
        missing = [
            k
            for k in ("tree_size", "root_hash", "timestamp", "signature", "key_id")
            if k not in data
        ]
        if missing:
            raise ValueError(f"the tree head lacks {', '.join(missing)}")
        if not isinstance(data["signature"], str) or not isinstance(data["key_id"], str):
            raise ValueError("signature and key_id must be strings")
        return cls(
            data["tree_size"],
            data["root_hash"],
            data["timestamp"],
            data["signature"],
            data["key_id"],
        )


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign_tree_head(
    key: Ed25519PrivateKey, size: int, root: bytes, timestamp: int
) -> SignedTreeHead:
    """Sign ``(size, root, timestamp)`` with ``key``."""
    unsigned = SignedTreeHead(size, root.hex(), timestamp, "", key_id(key.public_key()))
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode()
    return SignedTreeHead(size, unsigned.root_hash, timestamp, signature, unsigned.key_id)


def verify_tree_head(public_key: Ed25519PublicKey, sth: SignedTreeHead) -> bool:
    """True if ``sth`` names this key and its signature verifies with it."""
    if sth.key_id != key_id(public_key):
        return False
    try:
        signature = base64.b64decode(sth.signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    for message in (sth.signed_bytes(), sth.legacy_signed_bytes()):
        try:
            public_key.verify(signature, message)
        except InvalidSignature:
            continue
        return True
    return False


def generate_signing_key() -> str:
    """A new key as a base64 raw 32-byte seed (for ``INTERVIEW_AUDIT_SIGNING_KEY``)."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def load_signing_key(value: str) -> Ed25519PrivateKey:
    """A PEM (PKCS#8, unencrypted) Ed25519 private key or a base64 raw 32-byte seed.

    ``ValueError`` says which form was expected; the key material is never echoed.
    """
    text = value.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        except (ValueError, TypeError) as exc:
            raise ValueError("the audit signing key is not a readable PEM private key") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the audit signing key must be Ed25519")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError("the audit signing key must be PEM or a base64 32-byte seed") from exc
    if len(raw) != 32:
        raise ValueError("the audit signing key must be a 32-byte Ed25519 seed (base64)")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    """The public half of ``key`` as SubjectPublicKeyInfo PEM (what bundles carry)."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; ``ValueError`` for anything else."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise ValueError("not a readable PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key
