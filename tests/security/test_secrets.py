"""Issue 11 item 1: outside dev mode the server refuses a secret anyone could know."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from signaling.auth import Authenticator, load_or_create_dev_secret
from signaling.domain.threads import Role
from signaling.errors import ConfigError, Unauthorized
from signaling.settings import Settings

OLD_DEFAULT = "dev-insecure-secret-change-me-0123456789"  # the built-in default until issue 11
GOOD = "k" * 32


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "INTERVIEW_JWT_SECRET"),
        ({"INTERVIEW_JWT_SECRET": OLD_DEFAULT}, "INTERVIEW_JWT_SECRET"),
        ({"INTERVIEW_JWT_SECRET": "x" * 31}, "INTERVIEW_JWT_SECRET"),
        ({"INTERVIEW_JWT_SECRET": GOOD, "INTERVIEW_SERVICE_TOKEN": "short"}, "SERVICE_TOKEN"),
        ({"INTERVIEW_JWT_ALGORITHM": "RS256"}, "INTERVIEW_JWT_PUBLIC_KEY_PEM"),
    ],
)
def test_production_refuses_weak_or_missing_secrets(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"INTERVIEW_DEV_MODE": "0", **env}).check_auth()
    assert variable in caught.value.reason


def test_production_accepts_a_real_secret_or_a_public_key() -> None:
    for env in (
        {"INTERVIEW_JWT_SECRET": GOOD, "INTERVIEW_SERVICE_TOKEN": "s" * 32},
        {"INTERVIEW_JWT_ALGORITHM": "RS256", "INTERVIEW_JWT_PUBLIC_KEY_PEM": _pem()},
        {"INTERVIEW_DEV_MODE": "1"},  # dev mode makes its own secret
    ):
        Settings.from_env(env).check_auth()


def test_an_authenticator_is_never_built_on_the_public_default() -> None:
    """Settings built in code (not from the environment) are checked too."""
    with pytest.raises(ConfigError, match="INTERVIEW_JWT_SECRET"):
        Authenticator(Settings(jwt_secret=OLD_DEFAULT))
    with pytest.raises(ConfigError, match="INTERVIEW_JWT_SECRET"):
        Authenticator(Settings())


def test_admin_token_signed_with_the_old_default_is_refused() -> None:
    forged = jwt.encode(
        {"sub": "mallory", "role": "admin", "exp": int(time.time()) + 600},
        OLD_DEFAULT,
        algorithm="HS256",
    )
    for settings in (Settings(jwt_secret=GOOD), Settings(dev_mode=True)):
        with pytest.raises(Unauthorized):
            Authenticator(settings).verify(forged)


def test_dev_mode_without_a_secret_uses_a_random_one() -> None:
    one, two = Authenticator(Settings(dev_mode=True)), Authenticator(Settings(dev_mode=True))
    token = one.issue("u1", "U", Role.CLIENT)
    assert one.verify(token).user_id == "u1"
    with pytest.raises(Unauthorized):
        two.verify(token)


def test_dev_secret_is_kept_in_the_data_dir(tmp_path: Path) -> None:
    secret = load_or_create_dev_secret(tmp_path)
    assert len(secret.encode()) >= 32 and secret != OLD_DEFAULT
    assert load_or_create_dev_secret(tmp_path) == secret
    assert (tmp_path / "dev-jwt-secret").stat().st_mode & 0o077 == 0


def _cli(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    environ.update({"INTERVIEW_DATA_DIR": str(data_dir), **env})
    return subprocess.run(
        [sys.executable, "-m", "signaling", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )


@pytest.mark.allow_blocking
def test_serve_refuses_to_start_with_the_default_secret(tmp_path: Path) -> None:
    result = _cli(["serve", "--port", "0"], tmp_path, INTERVIEW_DEV_MODE="0")
    assert result.returncode == 2
    assert "INTERVIEW_JWT_SECRET" in result.stderr and "Traceback" not in result.stderr
    result = _cli(
        ["serve", "--port", "0"],
        tmp_path,
        INTERVIEW_DEV_MODE="0",
        INTERVIEW_JWT_SECRET=OLD_DEFAULT,
    )
    assert result.returncode == 2 and "publicly known" in result.stderr
    # commands that verify no tokens still run without one
    assert _cli(["migrate"], tmp_path, INTERVIEW_DEV_MODE="0").returncode == 0


@pytest.mark.allow_blocking
def test_demo_links_verify_with_the_dev_secret_serve_uses(tmp_path: Path) -> None:
    demo = _cli(["demo"], tmp_path, INTERVIEW_DEV_MODE="1")
    assert demo.returncode == 0, demo.stderr
    token = demo.stdout.split("#token=")[1].split()[0]
    settings = Settings(dev_mode=True, jwt_secret=load_or_create_dev_secret(tmp_path))
    assert Authenticator(settings).verify(token).role is Role.CLIENT
