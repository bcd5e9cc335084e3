"""Signed tree heads: signing, verifying, tampering, and loading keys."""

from __future__ import annotations

import base64
import dataclasses
import json
import struct

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from signaling.audit.tree_head import (
    SignedTreeHead,
    generate_signing_key,
    key_id,
    load_public_key,
    load_signing_key,
    public_key_pem,
    sign_tree_head,
    verify_tree_head,
)
from signaling.domain import merkle
from signaling.domain.audit_chain import canonical_json

ROOT = merkle.root([merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")])


def test_sign_verify_and_json_round_trip() -> None:
    key = load_signing_key(generate_signing_key())
    sth = sign_tree_head(key, 2, ROOT, 1_700_000_000_000)
    assert sth.root == ROOT and sth.key_id == key_id(key.public_key())
    public = load_public_key(public_key_pem(key))
    assert verify_tree_head(public, sth)
    again = SignedTreeHead.from_json(json.loads(json.dumps(sth.to_json())))
    assert again == sth and verify_tree_head(public, again)


def test_the_signature_covers_the_rfc6962_tree_head_signature_struct() -> None:
    """A second, independent verifier: build RFC 6962 section 3.5's TreeHeadSignature by hand
    (version v1 = 0, signature_type tree_hash = 1, uint64 timestamp, uint64 tree_size, the
    32-byte root) and check the Ed25519 signature with ``cryptography`` directly; the CT
    ``get-sth`` fields carry the same root and the signature as a TLS DigitallySigned."""
    key = Ed25519PrivateKey.generate()
    raw_public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    sth = sign_tree_head(key, 2, ROOT, 1_700_000_000_123)
    published = json.loads(json.dumps(sth.to_json()))

    root = base64.b64decode(published["sha256_root_hash"])
    assert root == bytes.fromhex(published["root_hash"]) == ROOT
    message = struct.pack(">BBQQ", 0, 1, published["timestamp"], published["tree_size"]) + root
    assert len(message) == 50
    verifier = Ed25519PublicKey.from_public_bytes(raw_public)
    verifier.verify(base64.b64decode(published["signature"]), message)  # raises if wrong

    digitally_signed = base64.b64decode(published["tree_head_signature"])
    scheme, length = struct.unpack(">2sH", digitally_signed[:4])
    assert scheme == b"\x08\x07" and length == 64 == len(digitally_signed) - 4
    verifier.verify(digitally_signed[4:], message)
    with pytest.raises(InvalidSignature):
        verifier.verify(digitally_signed[4:], message[:-1] + bytes([message[-1] ^ 1]))
    with pytest.raises(InvalidSignature):  # another size under the same signature
        verifier.verify(digitally_signed[4:], struct.pack(">BBQQ", 0, 1, sth.timestamp, 3) + ROOT)


def test_heads_signed_in_the_earlier_json_form_still_verify() -> None:
    key = Ed25519PrivateKey.generate()
    sth = sign_tree_head(key, 2, ROOT, 1_700_000_000_000)
    legacy = canonical_json(
        {"tree_size": 2, "root_hash": ROOT.hex(), "timestamp": 1_700_000_000_000}
    )
    old = dataclasses.replace(sth, signature=base64.b64encode(key.sign(legacy)).decode())
    assert verify_tree_head(key.public_key(), old)
    assert not verify_tree_head(key.public_key(), dataclasses.replace(old, tree_size=3))
    # a signature over other bytes (e.g. a bundle manifest) passes for neither form
    other = dataclasses.replace(sth, signature=base64.b64encode(key.sign(b"{}")).decode())
    assert not verify_tree_head(key.public_key(), other)


def test_sizes_and_timestamps_beyond_uint64_are_refused() -> None:
    for size, timestamp in ((1 << 64, 0), (0, 1 << 64), (0, -1)):
        with pytest.raises(ValueError):
            SignedTreeHead(size, ROOT.hex(), timestamp, "", "0" * 16)


def test_every_tampered_field_fails() -> None:
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    sth = sign_tree_head(key, 2, ROOT, 1_700_000_000_000)
    other_root = merkle.leaf_hash(b"other").hex()
    for changed in (
        dataclasses.replace(sth, tree_size=3),
        dataclasses.replace(sth, root_hash=other_root),
        dataclasses.replace(sth, timestamp=sth.timestamp + 1),
        dataclasses.replace(sth, signature=base64.b64encode(b"\0" * 64).decode()),
        dataclasses.replace(sth, signature="not base64!"),
        dataclasses.replace(sth, key_id="0" * 16),
    ):
        assert not verify_tree_head(public, changed), changed
    stranger = Ed25519PrivateKey.generate().public_key()
    assert not verify_tree_head(stranger, sth)


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"tree_size": 1},
        {"tree_size": -1, "root_hash": "00" * 32, "timestamp": 1, "signature": "", "key_id": ""},
        {"tree_size": "1", "root_hash": "00" * 32, "timestamp": 1, "signature": "", "key_id": ""},
        {"tree_size": 1, "root_hash": "zz", "timestamp": 1, "signature": "", "key_id": ""},
        {"tree_size": 1, "root_hash": "00" * 32, "timestamp": 1.5, "signature": "", "key_id": ""},
        {"tree_size": 1, "root_hash": "00" * 32, "timestamp": 1, "signature": 5, "key_id": ""},
    ],
)
def test_malformed_tree_heads_are_refused(data: object) -> None:
    with pytest.raises(ValueError):
        SignedTreeHead.from_json(data)


def test_keys_load_from_pem_or_base64_seed() -> None:
    seed = generate_signing_key()
    key = load_signing_key(seed + "\n")
    assert len(base64.b64decode(seed)) == 32
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    same = load_signing_key(pem)
    assert key_id(same.public_key()) == key_id(key.public_key())
    assert len(key_id(key.public_key())) == 16
    assert load_signing_key(seed).sign(b"x") == key.sign(b"x")  # Ed25519 is deterministic


@pytest.mark.parametrize(
    "value",
    [
        "not base64 at all!",
        base64.b64encode(b"short").decode(),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
    ],
)
def test_bad_signing_keys_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        load_signing_key(value)


def test_only_ed25519_keys_are_accepted() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    ec_key = ec.generate_private_key(ec.SECP256R1())
    pem = ec_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    with pytest.raises(ValueError, match="Ed25519"):
        load_signing_key(pem)
    public_pem = ec_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValueError, match="Ed25519"):
        load_public_key(public_pem)
    with pytest.raises(ValueError):
        load_public_key(b"garbage")
