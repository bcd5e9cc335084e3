"""Files on the platform (issue 14 item 3): upload streamed to disk and posted as a ``file``
message, type sniffed from the bytes, executables refused, the contact policy on PDF/DOCX/text
before a contract, size limit, who may download (each download logged), evidence bundles."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from signaling.api.context import CTX
from signaling.audit.bundle import verify_bundle
from tests.api.conftest import SERVICE_TOKEN, Harness, HarnessFactory

AUDITOR = ("a1", "auditor")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def make_pdf(text: str) -> bytes:
    """A minimal valid one-page PDF whose content stream shows ``text`` (Helvetica)."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_the_hand_made_pdf_is_read_by_pypdf() -> None:
    reader = PdfReader(io.BytesIO(make_pdf("Portfolio: write to ann.lee@gmail.com")))
    assert "ann.lee@gmail.com" in reader.pages[0].extract_text()


async def upload(
    harness: Harness, thread_id: str, name: str, data: Any, user: tuple[str, str] = ("c1", "client")
) -> Any:
    return await harness.client.post(
        f"/api/threads/{thread_id}/files",
        params={"name": name},
        data=data,
        headers={**harness.headers(*user), "Content-Type": "application/octet-stream"},
    )


async def stored_files(harness: Harness) -> list[str]:
    root: Path = harness.app[CTX].settings.files_dir

    def scan() -> list[str]:
        return sorted(p.name for p in root.iterdir()) if root.is_dir() else []

    return await asyncio.to_thread(scan)


async def chain(harness: Harness, thread_id: str) -> list[Any]:
    return list(await harness.app[CTX].store.audit_entries(thread_id))


async def test_upload_posts_a_file_message_and_the_other_party_downloads_it(
    harness: Harness,
) -> None:
    thread = await harness.thread()
    data = b"Brief: a logo in three colours.\n" * 100
    resp = await upload(harness, thread["id"], "brief.txt", data)
    assert resp.status == 201, await resp.text()
    message = await resp.json()
    body = message["body"]
    assert message["kind"] == "file" and message["author_id"] == "c1"
    assert body["name"] == "brief.txt" and body["size"] == len(data)
    assert body["content_type"] == "text/plain"
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert await stored_files(harness) == [body["file_id"]]  # no staging file left behind
    created = [e for e in await chain(harness, thread["id"]) if e.event_type == "message.created"]
    assert json.loads(created[-1].entry)["data"]["file"]["sha256"] == body["sha256"]

    got = await harness.client.get(body["url"], headers=harness.headers("f1", "freelancer"))
    assert got.status == 200
    assert await got.read() == data
    assert got.headers["Content-Type"].startswith("text/plain")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith('attachment; filename="brief.txt"')
    downloads = [e for e in await chain(harness, thread["id"]) if e.event_type == "file.downloaded"]
    assert [(e.actor_id, json.loads(e.entry)["data"]["file_id"]) for e in downloads] == [
        ("f1", body["file_id"])
    ]


async def test_only_parties_and_auditors_download_and_auditors_are_on_the_access_chain(
    harness: Harness,
) -> None:
    thread = await harness.thread()
    body = (await (await upload(harness, thread["id"], "a.txt", b"hello")).json())["body"]
    stranger = await harness.client.get(body["url"], headers=harness.headers("zz", "freelancer"))
    assert stranger.status == 404
    service = await harness.client.get(
        body["url"], headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}
    )
    assert service.status == 403
    missing = await harness.client.get(
        f"/api/threads/{thread['id']}/files/{'0' * 32}", headers=harness.headers("c1")
    )
    assert missing.status == 404 and (await missing.json())["code"] == "file_not_found"
    audit = await harness.client.get(body["url"], headers=harness.headers(*AUDITOR))
    assert audit.status == 200 and await audit.read() == b"hello"
    access = await chain(harness, "access")
    entries = [json.loads(e.entry)["data"] for e in access]
    assert any(
        d["what"] == "file.download" and d["file_id"] == body["file_id"] and d["role"] == "auditor"
        for d in entries
    )


async def test_content_type_is_sniffed_from_the_bytes_not_the_name(harness: Harness) -> None:
    thread = await harness.thread()
    resp = await upload(harness, thread["id"], "notes.txt", PNG)
    assert resp.status == 201
    assert (await resp.json())["body"]["content_type"] == "image/png"
    pdf = await upload(harness, thread["id"], "scan.png", make_pdf("Hello"))
    assert (await pdf.json())["body"]["content_type"] == "application/pdf"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("holiday.jpg", ELF),
        ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        ("readme.txt", b"#!/bin/sh\nrm -rf ~\n"),
        ("macho.dat", b"\xcf\xfa\xed\xfe" + b"\x00" * 100),
        ("setup.exe", b"just text"),
        ("tool.js", b"console.log(1)"),
        ("run.BAT", b"echo hi"),
    ],
)
async def test_executables_are_refused(harness: Harness, name: str, data: bytes) -> None:
    thread = await harness.thread()
    resp = await upload(harness, thread["id"], name, data)
    assert resp.status == 422
    assert (await resp.json())["code"] == "file_executable"
    assert await stored_files(harness) == []


async def test_a_pdf_with_an_email_is_blocked_before_a_contract_and_the_notice_says_why(
    harness: Harness,
) -> None:
    """The default action is redact; a file cannot be redacted, so it is blocked."""
    thread = await harness.thread()
    resp = await upload(harness, thread["id"], "portfolio.pdf", make_pdf("Mail ann.lee@gmail.com"))
    assert resp.status == 422
    problem = await resp.json()
    assert problem["code"] == "policy_blocked" and problem["labels"] == ["email"]
    assert "cannot be edited" in problem["detail"]
    assert await stored_files(harness) == []
    messages = await (
        await harness.client.get(
            f"/api/threads/{thread['id']}/messages", headers=harness.headers("f1", "freelancer")
        )
    ).json()
    notices = [m for m in messages["messages"] if m["kind"] == "policy"]
    assert notices[-1]["body"]["action"] == "block"
    assert "portfolio.pdf" in notices[-1]["body"]["notice"]
    assert not [m for m in messages["messages"] if m["kind"] == "file"]
    blocked = [
        e for e in await chain(harness, thread["id"]) if e.event_type == "policy.file_blocked"
    ]
    data = json.loads(blocked[0].entry)["data"]
    assert data["file"]["name"] == "portfolio.pdf" and data["labels"] == ["email"]


async def test_a_docx_with_an_email_is_flagged_under_warn(make_harness: HarnessFactory) -> None:
    harness = await make_harness(policy_action="warn")
    thread = await harness.thread()
    data = await asyncio.to_thread(make_docx, "My CV", "Contact: ann.lee@gmail.com")
    resp = await upload(harness, thread["id"], "cv.docx", data)
    assert resp.status == 201, await resp.text()
    body = (await resp.json())["body"]
    assert body["content_type"].endswith("wordprocessingml.document")
    assert body["policy"]["action"] == "warn" and body["policy"]["labels"] == ["email"]
    clean_doc = await asyncio.to_thread(make_docx, "My CV", "No contacts")
    clean = await upload(harness, thread["id"], "cv2.docx", clean_doc)
    assert "policy" not in (await clean.json())["body"]


async def test_a_docx_with_an_email_is_blocked_under_block(make_harness: HarnessFactory) -> None:
    harness = await make_harness(policy_action="block")
    thread = await harness.thread()
    doc = await asyncio.to_thread(make_docx, "Contact: ann.lee@gmail.com")
    resp = await upload(harness, thread["id"], "cv.docx", doc)
    assert resp.status == 422 and (await resp.json())["code"] == "policy_blocked"


async def test_a_file_name_with_contact_details_is_blocked(harness: Harness) -> None:
    thread = await harness.thread()
    resp = await upload(harness, thread["id"], "ann.lee@gmail.com portfolio.txt", b"hello")
    assert resp.status == 422 and (await resp.json())["labels"] == ["email"]


async def test_after_the_contract_files_are_not_scanned(harness: Harness) -> None:
    thread = await harness.thread()
    hired = await harness.client.post(
        f"/api/threads/{thread['id']}/stage",
        json={"stage": "hired"},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
    )
    assert hired.status == 200, await hired.text()
    resp = await upload(harness, thread["id"], "cv.pdf", make_pdf("ann.lee@gmail.com"))
    assert resp.status == 201


async def test_an_unreadable_pdf_is_refused_before_a_contract(harness: Harness) -> None:
    thread = await harness.thread()
    resp = await upload(harness, thread["id"], "broken.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 10)
    assert resp.status == 422 and (await resp.json())["code"] == "file_unscannable"


async def test_a_file_with_more_text_than_can_be_checked_is_refused_before_a_contract(
    make_harness: HarnessFactory,
) -> None:
    """Scanning is CPU time: a bound on the text read (a 100 MB text file would take minutes)."""
    harness = await make_harness(file_scan_max_chars=1000)
    thread = await harness.thread()
    resp = await upload(harness, thread["id"], "long.txt", b"logo brief " * 100)
    assert resp.status == 422 and (await resp.json())["code"] == "file_unscannable"
    assert await stored_files(harness) == []
    fits = await upload(harness, thread["id"], "short.txt", b"logo brief " * 90)
    assert fits.status == 201


async def test_size_limit_is_413_with_or_without_a_content_length(
    make_harness: HarnessFactory,
) -> None:
    harness = await make_harness(file_max_bytes=1000)
    thread = await harness.thread()
    declared = await upload(harness, thread["id"], "big.txt", b"x" * 1001)
    assert declared.status == 413
    assert (await declared.json())["code"] == "file_too_large"

    async def stream() -> AsyncIterator[bytes]:  # chunked: no Content-Length
        for _ in range(20):
            yield b"y" * 100

    chunked = await upload(harness, thread["id"], "big.txt", stream())
    assert chunked.status == 413
    assert await stored_files(harness) == []
    fits = await upload(harness, thread["id"], "ok.txt", b"x" * 1000)
    assert fits.status == 201


async def test_uploads_are_refused_in_closed_threads_and_to_non_parties(harness: Harness) -> None:
    thread = await harness.thread()
    stranger = await upload(harness, thread["id"], "a.txt", b"hi", ("zz", "freelancer"))
    assert stranger.status == 404
    auditor = await upload(harness, thread["id"], "a.txt", b"hi", AUDITOR)
    assert auditor.status == 403
    closed = await harness.client.post(
        f"/api/threads/{thread['id']}/stage",
        json={"stage": "closed"},
        headers=harness.headers("c1"),
    )
    assert closed.status == 200, await closed.text()
    resp = await upload(harness, thread["id"], "a.txt", b"hi")
    assert resp.status == 409 and (await resp.json())["code"] == "thread_closed"


async def test_bad_names_and_empty_files_are_422(harness: Harness) -> None:
    thread = await harness.thread()
    assert (await upload(harness, thread["id"], "x.txt", b"")).status == 422
    assert (await upload(harness, thread["id"], "\x00\x01", b"hi")).status == 422
    nested = await upload(harness, thread["id"], "../../etc/passwd.txt", b"hi")
    assert (await nested.json())["body"]["name"] == "passwd.txt"


async def test_uploads_are_rate_limited(make_harness: HarnessFactory) -> None:
    harness = await make_harness(file_upload_burst=2, file_upload_rate_per_minute=0.01)
    thread = await harness.thread()
    for i in range(2):
        assert (await upload(harness, thread["id"], f"{i}.txt", b"hi")).status == 201
    limited = await upload(harness, thread["id"], "3.txt", b"hi")
    assert limited.status == 429 and "Retry-After" in limited.headers


async def test_the_thread_bundle_holds_the_file_verifies_and_opens_no_case(
    harness: Harness, tmp_path: Path
) -> None:
    thread = await harness.thread()
    data = make_pdf("Logo sketches")
    body = (await (await upload(harness, thread["id"], "sketch.pdf", data)).json())["body"]
    await harness.integrate()  # the sequencer gives the upload's audit entry its leaf
    resp = await harness.client.get(
        f"/api/audit/threads/{thread['id']}/bundle", headers=harness.headers(*AUDITOR)
    )
    assert resp.status == 200
    path = tmp_path / "bundle.zip"
    await asyncio.to_thread(path.write_bytes, await resp.read())
    member = f"files/{body['file_id']}/sketch.pdf"

    def read() -> tuple[bytes, dict[str, Any]]:
        with zipfile.ZipFile(path) as zf:
            return zf.read(member), json.loads(zf.read("manifest.json"))

    stored, manifest = await asyncio.to_thread(read)
    assert stored == data
    assert manifest["files"][member] == body["sha256"] and manifest["case_id"] is None
    verdict = await asyncio.to_thread(verify_bundle, path)
    assert verdict.ok, verdict.problems
    cases = await harness.client.get("/api/audit/cases", headers=harness.headers(*AUDITOR))
    assert (await cases.json())["cases"] == []
    access = [json.loads(e.entry)["data"] for e in await chain(harness, "access")]
    assert any(d["what"] == "thread.export" and d["thread_id"] == thread["id"] for d in access)


async def test_a_bundled_file_not_logged_on_the_chain_fails_verification(
    harness: Harness, tmp_path: Path
) -> None:
    thread = await harness.thread()
    await upload(harness, thread["id"], "a.txt", b"original")
    resp = await harness.client.get(
        f"/api/audit/threads/{thread['id']}/bundle", headers=harness.headers(*AUDITOR)
    )
    source = tmp_path / "bundle.zip"
    await asyncio.to_thread(source.write_bytes, await resp.read())
    forged = tmp_path / "forged.zip"

    def forge() -> None:
        """Another file added, listed in an (unsigned) manifest: only the chain can tell."""
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(forged, "w") as dst:
            manifest = json.loads(src.read("manifest.json"))
            for info in src.infolist():
                if info.filename in {"manifest.json", "manifest.sig"}:
                    continue
                dst.writestr(info, src.read(info))
            dst.writestr("files/x/swapped.txt", b"swapped")
            manifest["files"]["files/x/swapped.txt"] = hashlib.sha256(b"swapped").hexdigest()
            dst.writestr("manifest.json", json.dumps(manifest))

    await asyncio.to_thread(forge)
    verdict = await asyncio.to_thread(verify_bundle, forged)
    assert any("files/x/swapped.txt: no audit entry" in p for p in verdict.problems)
