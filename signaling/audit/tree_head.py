"""Signed tree heads (Ed25519) over the global Merkle log of audit entries.

What is signed is ``canonical_json({"tree_size", "root_hash", "timestamp"})``: a verifier needs
only the published tree head, the public key and the entries.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from signaling.domain.audit_chain import canonical_json


@dataclass(frozen=True)
class SignedTreeHead:
    tree_size: int
    root_hash: str  # hex
    timestamp: int  # ms since the epoch
    signature: str  # base64
    key_id: str

    def signed_bytes(self) -> bytes:
        return canonical_json(
            {"tree_size": self.tree_size, "root_hash": self.root_hash, "timestamp": self.timestamp}
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignedTreeHead:
        return cls(
            int(data["tree_size"]),
            str(data["root_hash"]),
            int(data["timestamp"]),
            str(data["signature"]),
            str(data["key_id"]),
        )


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign_tree_head(
    key: Ed25519PrivateKey, size: int, root: bytes, timestamp: int
) -> SignedTreeHead:
    unsigned = SignedTreeHead(size, root.hex(), timestamp, "", key_id(key.public_key()))
    signature = key.sign(unsigned.signed_bytes())
    return SignedTreeHead(
        size, root.hex(), timestamp, base64.b64encode(signature).decode(), unsigned.key_id
    )


def verify_tree_head(public: Ed25519PublicKey, sth: SignedTreeHead) -> bool:
    try:
        public.verify(base64.b64decode(sth.signature), sth.signed_bytes())
    except (InvalidSignature, ValueError):
        return False
    return True


def generate_signing_key() -> str:
    """A new key as a base64 raw 32-byte seed (for ``INTERVIEW_AUDIT_SIGNING_KEY``)."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def load_signing_key(value: str) -> Ed25519PrivateKey:
    """A PEM private key or a base64 raw 32-byte seed."""
    text = value.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the audit signing key must be Ed25519")
        return key
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise ValueError("the audit signing key must be a 32-byte Ed25519 seed (base64)")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key
