"""A local server speaking the S3 API (moto in server mode, on a free port of 19300-19399),
started once per session, and a fresh bucket per test: one with Object Lock enabled, one
without. Tests read back what the server stored with boto3 directly (a second parser), never
only through our storage port."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PORTS = range(19300, 19400)
ACCESS_KEY, SECRET_KEY, REGION = "testing-key", "testing-secret", "us-east-1"


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 19300-19399")


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def client(self) -> S3Client:
        client: S3Client = boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(s3={"addressing_style": "path"}),
        )
        return client


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3(s3_server: S3Server) -> S3Client:
    """A boto3 client of our own on the server (made once: it reads files as it starts)."""
    return s3_server.client()


@pytest.fixture
def locked_bucket(s3: S3Client) -> str:
    name = f"locked-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


@pytest.fixture
def plain_bucket(s3: S3Client) -> str:
    name = f"plain-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


# the app harness of the API tests, for recordings made through the app
from tests.api.conftest import make_harness as make_harness  # noqa: E402
