"""The shipped deployment files: production compose never runs in dev mode, takes every
secret from the environment, ships coturn with the shared secret, and the shipped
turnserver.conf denies the peer ranges the media nodes refuse as ICE candidates.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
import yaml

from signaling.ice import IceAddressPolicy
from signaling.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SECRETS = (
    "POSTGRES_PASSWORD",
    "INTERVIEW_JWT_SECRET",
    "INTERVIEW_SERVICE_TOKEN",
    "INTERVIEW_TURN_SECRET",
)
SERVER_NODES = ("migrate", "node1", "node2")
_VAR = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:\?|:-)(?P<arg>[^}]*))?\}")


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / name).read_text())
    return data


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the `- KEY=value` form
        return dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _interpolate(value: str, environ: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:?message}` and `${VAR:-default}`."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if environ.get(name):
            return environ[name]
        if op == ":-":
            return arg
        raise KeyError(f"{name} is required: {arg}")

    return _VAR.sub(one, value)


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return [node] if isinstance(node, str) else []


def test_production_compose_never_enables_dev_mode() -> None:
    compose = _load("docker-compose.yml")
    for name, service in compose["services"].items():
        mode = _environment(service).get("INTERVIEW_DEV_MODE", "0")
        assert mode.lower() in {"0", "false", "no", "off"}, f"{name} runs in dev mode"
    for name in SERVER_NODES:
        assert _environment(compose["services"][name])["INTERVIEW_DEV_MODE"] == "0"


def test_production_compose_hard_codes_no_secret() -> None:
    compose = _load("docker-compose.yml")
    for name, service in compose["services"].items():
        for key, value in _environment(service).items():
            if key in SECRETS:
                assert re.fullmatch(rf"\$\{{{key}:\?[^}}]+\}}", value), (
                    f"{name}: {key} must come from the environment (${{{key}:?…}}), got {value!r}"
                )
    for text in _strings(compose):
        # A secret named in a URL or a command line is interpolated too.
        for match in re.finditer(r"://[^:/@\s]+:([^@\s]+)@|secret=(\S+)", text):
            assert (match.group(1) or match.group(2)).startswith("${"), f"a literal secret: {text}"
        for word in ("change-me", "insecure", "dev-only"):
            assert word not in text.lower(), f"{word!r} in {text!r}"


def test_production_server_environment_is_valid_settings_outside_dev_mode() -> None:
    compose = _load("docker-compose.yml")
    environ = {name: secrets.token_urlsafe(32) for name in SECRETS}
    environ["INTERVIEW_PUBLIC_URL"] = "https://interview.example.test"
    environ["INTERVIEW_TURN_URLS"] = "turn:turn.example.test:3478?transport=udp"
    for name in SERVER_NODES:
        env = {
            k: _interpolate(v, environ) for k, v in _environment(compose["services"][name]).items()
        }
        settings = Settings.from_env(env)  # every variable is a known, valid setting
        assert not settings.dev_mode
        assert settings.turn_secret == environ["INTERVIEW_TURN_SECRET"]
        assert settings.turn_urls and settings.turn_ttl_seconds <= 3600
        assert settings.ice_networks == ()  # only global unicast ICE candidates
        check_auth = getattr(settings, "check_auth", None)
        if check_auth is not None:
            check_auth()  # start-up's secret checks pass with generated secrets
    with pytest.raises(KeyError, match="INTERVIEW_JWT_SECRET"):
        env = _environment(compose["services"]["node1"])
        _interpolate(env["INTERVIEW_JWT_SECRET"], {})


def test_dev_override_is_the_only_place_dev_mode_is_on() -> None:
    dev = _load("docker-compose.dev.yml")
    production = _load("docker-compose.yml")
    for name, service in dev["services"].items():
        assert name in production["services"], f"{name} is not in docker-compose.yml"
        env = _environment(service)
        assert env == {"INTERVIEW_DEV_MODE": "1"}, f"{name} overrides more than dev mode"


def test_compose_ships_coturn_with_the_shared_secret() -> None:
    compose = _load("docker-compose.yml")
    coturn = compose["services"]["coturn"]
    assert "./deploy/turnserver.conf:/etc/coturn/turnserver.conf:ro" in coturn["volumes"]
    command = coturn["command"]
    assert command[:2] == ["-c", "/etc/coturn/turnserver.conf"]
    assert any(arg.startswith("--static-auth-secret=${INTERVIEW_TURN_SECRET:?") for arg in command)
    # coturn may relay to the media nodes' private addresses, and to no other private one.
    node_ips = {
        compose["services"][n]["networks"]["default"]["ipv4_address"] for n in ("node1", "node2")
    }
    allowed = {arg.split("=", 1)[1] for arg in command if arg.startswith("--allowed-peer-ip=")}
    assert allowed == node_ips
    for name in ("node1", "node2"):
        env = _environment(compose["services"][name])
        assert (
            env["INTERVIEW_TURN_SECRET"]
            == "${INTERVIEW_TURN_SECRET:?set INTERVIEW_TURN_SECRET (shared with coturn)}"
        )


# ---------------------------------------------------------------- deploy/turnserver.conf


def _conf() -> list[tuple[str, str]]:
    pairs = []
    for line in (ROOT / "deploy" / "turnserver.conf").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs.append((key.strip(), value.strip()))
    return pairs


def _denied(ip: str) -> bool:
    """Whether the shipped denied-peer-ip ranges (or no-multicast-peers) cover ``ip``."""
    address = ipaddress.ip_address(ip)
    conf = _conf()
    if address.is_multicast and ("no-multicast-peers", "") in conf:
        return True
    for key, value in conf:
        if key != "denied-peer-ip":
            continue
        low, _, high = value.partition("-")
        first, last = ipaddress.ip_address(low), ipaddress.ip_address(high or low)
        if first.version == address.version and int(first) <= int(address) <= int(last):
            return True
    return False


def test_turnserver_conf_uses_the_rest_api_secret_and_no_admin_surface() -> None:
    conf = _conf()
    keys = {key for key, _ in conf}
    assert {"use-auth-secret", "no-multicast-peers", "no-tcp-relay", "no-cli"} <= keys
    assert ("max-allocate-lifetime", "3600") in conf
    # Loopback peers stay refused; the secret and users are never in the file.
    assert not keys & {"allow-loopback-peers", "static-auth-secret", "user", "lt-cred-mech"}
    assert "allowed-peer-ip" not in keys  # deployments add their own media nodes


@pytest.mark.parametrize(
    "ip",
    [
        "0.0.0.0",
        "10.0.0.1",
        "100.64.0.1",
        "127.0.0.1",
        "169.254.169.254",
        "172.16.0.1",
        "172.31.255.254",
        "192.0.2.7",
        "192.168.1.1",
        "198.18.0.1",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",
        "2001:db8::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
    ],
)
def test_turnserver_conf_denies_what_the_media_nodes_refuse(ip: str) -> None:
    assert not IceAddressPolicy().allows(ip)  # the same range on both sides
    assert _denied(ip)


@pytest.mark.parametrize("ip", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_turnserver_conf_lets_public_peers_through(ip: str) -> None:
    assert IceAddressPolicy().allows(ip)
    assert not _denied(ip)
