"""Files parties attach to a thread: sniffed, refused if executable, scanned by the contact
policy before a contract, stored write-once, and posted as ``file`` messages.

The blocking parts (sniffing, text extraction, scanning) are plain functions run with
``asyncio.to_thread`` by :class:`FileService`; the bytes never sit whole in memory (the upload
is streamed to a staging file, hashed on the way).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import hashlib
import logging
import re
import unicodedata
import uuid
import zipfile
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, BinaryIO

import filetype

from recording.storage import RecordingStorage
from signaling.auth import Principal
from signaling.domain.messages import SYSTEM_AUTHOR, MessageKind, NewMessage
from signaling.domain.ports import FindingRow
from signaling.errors import (
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PolicyViolation,
    Unprocessable,
)
from signaling.policy.guard import PolicyAction, apply_policy
from signaling.service import ThreadService, message_json

logger = logging.getLogger(__name__)

HEAD_BYTES = 8192  # what sniffing looks at
NAME_MAX = 255
# Text scanned per call of the detector; windows overlap so nothing is cut at a boundary.
SCAN_WINDOW = 100_000
SCAN_OVERLAP = 512

# Names that run code when opened, whatever their bytes look like.
EXECUTABLE_SUFFIXES = frozenset(
    {
        ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".msp", ".dll", ".cpl", ".sys",
        ".js", ".jse", ".mjs", ".vbs", ".vbe", ".wsf", ".wsh", ".hta", ".ps1", ".psm1", ".lnk",
        ".reg", ".sh", ".bash", ".zsh", ".csh", ".command", ".app", ".jar", ".apk", ".appimage",
        ".deb", ".rpm", ".dmg", ".pkg", ".run", ".bin", ".elf", ".so", ".dylib", ".py", ".pyw",
        ".pl", ".rb", ".php", ".msc", ".gadget", ".inf", ".scf", ".url", ".desktop", ".wasm",
    }
)  # fmt: skip
# Magic numbers of executables: PE (MZ), ELF, Mach-O (32/64, both byte orders, universal),
# and scripts with a shebang.
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
    b"\x00asm",
)
EXECUTABLE_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-executable",
        "application/vnd.microsoft.portable-executable",
        "application/x-mach-binary",
        "application/wasm",
        "application/x-shockwave-flash",
    }
)
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain"
OCTET = "application/octet-stream"
ZIP_TYPES = frozenset(
    {
        DOCX,
        XLSX,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/epub+zip",
        "application/zip",
    }
)
_TAG = re.compile(rb"<[^>]*>")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


class FileRefused(Unprocessable):
    """An upload refused for what it is (executable, unreadable, …): 422."""

    default_code = "file_refused"


def clean_name(raw: str) -> str:
    """The file's display name: the last path component, NFC, no control characters."""
    name = PureWindowsPath(PurePosixPath(raw).name).name
    name = _UNSAFE_NAME.sub("", unicodedata.normalize("NFC", name)).strip()
    if not name or name in {".", ".."}:
        raise Unprocessable("the file needs a name", code="file_name_invalid")
    if len(name) > NAME_MAX:
        raise Unprocessable(
            f"the file name has {len(name)} characters; the limit is {NAME_MAX}",
            code="file_name_invalid",
        )
    return name


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end of the head is fine
    except UnicodeDecodeError:
        return False
    return True


def sniff(head: bytes) -> str:
    """The content type from the first bytes (never from the name)."""
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    if _looks_like_text(head):
        return TEXT
    return OCTET


def refuse_executable(name: str, head: bytes, content_type: str) -> None:
    """Executables and scripts are refused, by their bytes or by a name that runs when opened."""
    suffixes = [s.lower() for s in PurePosixPath(name.lower()).suffixes]
    if (
        content_type in EXECUTABLE_TYPES
        or head.startswith(EXECUTABLE_MAGIC)
        or (suffixes and suffixes[-1] in EXECUTABLE_SUFFIXES)
    ):
        raise FileRefused(
            "executable files and scripts cannot be shared here", code="file_executable"
        )


# ------------------------------------------------------------------------- text extraction
def _zip_budget(path: Path, max_unpacked: int) -> zipfile.ZipFile:
    """Open a zip-based document, refusing one that unpacks to more than ``max_unpacked``."""
    archive = zipfile.ZipFile(path)
    total = sum(info.file_size for info in archive.infolist())
    if total > max_unpacked:
        archive.close()
        raise FileRefused(
            f"the document unpacks to {total} bytes, more than the {max_unpacked} that can be "
            "checked",
            code="file_unscannable",
        )
    return archive


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise FileRefused(
            "the PDF is password-protected, so it cannot be checked for contact details",
            code="file_unscannable",
        )
    parts = [page.extract_text() or "" for page in reader.pages]
    for link in _pdf_links(reader):
        parts.append(link)
    return "\n".join(parts)


def _pdf_links(reader: Any) -> list[str]:
    """URIs of link annotations (a mailto: hides no text on the page)."""
    out: list[str] = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None:
                uri = action.get_object().get("/URI")
                if uri:
                    out.append(str(uri))
    return out


def _docx_text(path: Path, max_unpacked: int) -> str:
    import docx

    _zip_budget(path, max_unpacked).close()
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
    for rel in document.part.rels.values():
        if rel.is_external:
            parts.append(str(rel.target_ref))  # hyperlink targets (mailto:, https://…)
    return "\n".join(parts)


def _xlsx_text(path: Path, max_unpacked: int) -> str:
    try:
        import openpyxl
    except ImportError:  # optional: the generic reader takes the sheets' XML text
        return _zip_text(path, max_unpacked)
    _zip_budget(path, max_unpacked).close()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    finally:
        book.close()


def _zip_text(path: Path, max_unpacked: int) -> str:
    """Text of every text-like member of a zip (Office/OpenDocument XML, plain text)."""
    parts: list[str] = []
    with _zip_budget(path, max_unpacked) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            data = archive.read(info)
            if b"\x00" in data[:HEAD_BYTES]:
                continue
            if info.filename.lower().endswith((".xml", ".rels", ".html", ".xhtml", ".opf")):
                data = _TAG.sub(b" ", data)
            parts.append(info.filename)
            parts.append(data.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def extract_text(path: Path, content_type: str, *, max_unpacked: int) -> str | None:
    """The text of a file the policy can read; None for types without text (images, …)."""
    try:
        if content_type == PDF:
            return _pdf_text(path)
        if content_type == DOCX:
            return _docx_text(path, max_unpacked)
        if content_type == XLSX:
            return _xlsx_text(path, max_unpacked)
        if content_type in ZIP_TYPES:
            return _zip_text(path, max_unpacked)
        if content_type == TEXT:
            return path.read_text("utf-8", errors="replace")
    except FileRefused:
        raise
    except Exception as exc:  # a parser's error on a broken or hostile file
        logger.info("file text extraction failed type=%s: %s", content_type, exc)
        raise FileRefused(
            "the file could not be read, so it cannot be checked for contact details",
            code="file_unscannable",
        ) from exc
    return None


def windows(text: str) -> list[str]:
    """Overlapping slices of ``text`` the detector scans one at a time."""
    if len(text) <= SCAN_WINDOW:
        return [text]
    step = SCAN_WINDOW - SCAN_OVERLAP
    return [text[i : i + SCAN_WINDOW] for i in range(0, len(text), step)]


@dataclass(frozen=True)
class FileCheck:
    """What the guard found in a file (its name and text): labels and the matched texts."""

    labels: tuple[str, ...]
    matches: tuple[FindingRow, ...]


def check_text(name: str, text: str | None, exempt_urls: list[str]) -> FileCheck:
    """Run the contact policy over the name and the text (blocking; call off the loop)."""
    labels: dict[str, None] = {}  # in the guard's order, first seen first
    rows: list[FindingRow] = []
    for piece in [name, *(windows(text) if text else [])]:
        decision = apply_policy(
            piece, action=PolicyAction.WARN, pre_contract=True, exempt_urls=exempt_urls
        )
        labels.update(dict.fromkeys(decision.labels))
        for f in decision.findings:
            if len(rows) < 50:
                rows.append(FindingRow(f.label, f.start, f.end, f.text, f.value))
    return FileCheck(tuple(labels), tuple(rows))


# ------------------------------------------------------------------------------ the service
@dataclass(frozen=True)
class StoredUpload:
    file_id: str
    size: int
    sha256: str
    content_type: str


def _open_staging(root: Path) -> tuple[Path, BinaryIO]:
    root.mkdir(parents=True, exist_ok=True)
    path = root / f".upload-{uuid.uuid4().hex}.partial"
    return path, path.open("xb")


def _write(fh: BinaryIO, digest: Any, data: bytes) -> None:
    fh.write(data)
    digest.update(data)


def _read_head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class FileService:
    """Upload and download of thread files (the REST edge is ``signaling/api/files.py``)."""

    def __init__(
        self,
        threads: ThreadService,
        storage: RecordingStorage,
        *,
        spool: Path,
        max_bytes: int,
        max_unpacked: int,
        max_scan_chars: int = 2_000_000,
    ) -> None:
        self.threads = threads
        self.storage = storage
        self.spool = spool  # uploads are staged here, then stored write-once
        self.max_bytes = max_bytes
        self.max_unpacked = max_unpacked
        self.max_scan_chars = max_scan_chars

    @property
    def store(self) -> Any:
        return self.threads.store

    def too_large(self, size: int | None = None) -> PayloadTooLarge:
        got = f"the file has {size} bytes; " if size is not None else "the file is too large; "
        return PayloadTooLarge(
            f"{got}the limit is {self.max_bytes} bytes ({self.max_bytes // (1024 * 1024)} MB)",
            code="file_too_large",
            max_bytes=self.max_bytes,
        )

    async def upload(
        self,
        who: Principal,
        thread_id: str,
        raw_name: str,
        declared_size: int | None,
        chunks: Callable[[], AsyncIterable[bytes]],
    ) -> dict[str, Any]:
        """Check, stream to disk, sniff, scan and post one file; the ``file`` message's JSON."""
        thread = await self.threads.open_thread(who, thread_id)  # parties, open threads only
        name = clean_name(raw_name)
        if declared_size is not None and declared_size > self.max_bytes:
            raise self.too_large(declared_size)
        if "file_upload" in self.threads.limits:
            await self.threads.limits.check("file_upload", who.user_id)
        staging, fh = await asyncio.to_thread(_open_staging, self.spool)
        try:
            digest = hashlib.sha256()
            size = 0
            try:
                async for chunk in chunks():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise self.too_large()
                    await asyncio.to_thread(_write, fh, digest, chunk)
            finally:
                await asyncio.to_thread(fh.close)
            if size == 0:
                raise Unprocessable("the file is empty", code="file_empty")
            head = await asyncio.to_thread(_read_head, staging)
            content_type = sniff(head)
            refuse_executable(name, head, content_type)
            sha256 = digest.hexdigest()
            info = {
                "name": name,
                "size": size,
                "content_type": content_type,
                "sha256": sha256,
            }
            policy: dict[str, Any] | None = None
            if thread.pre_contract:
                text = await asyncio.to_thread(
                    extract_text, staging, content_type, max_unpacked=self.max_unpacked
                )
                if text is not None and len(text) > self.max_scan_chars:
                    raise FileRefused(
                        f"the file has {len(text)} characters of text, more than the "
                        f"{self.max_scan_chars} that can be checked for contact details before "
                        "a contract",
                        code="file_unscannable",
                    )
                exempt = await self.threads.exempt_urls(thread)
                check = await asyncio.to_thread(check_text, name, text, exempt)
                if check.labels:
                    policy = await self._apply(who, thread.id, info, check)
            file_id = uuid.uuid4().hex
            await asyncio.to_thread(self.storage.adopt, file_id, staging, sha256=sha256)
        finally:
            await asyncio.to_thread(_unlink, staging)
        body: dict[str, Any] = {
            "file_id": file_id,
            **info,
            "url": f"/api/threads/{thread.id}/files/{file_id}",
        }
        if policy is not None:
            body["policy"] = policy
        message = await self.threads.post(
            NewMessage(
                thread.id,
                who.user_id,
                MessageKind.FILE,
                body,
                audit={"file": {"file_id": file_id, **info}},
            )
        )
        if policy is not None:
            await self.threads.post(
                NewMessage(
                    thread.id,
                    SYSTEM_AUTHOR,
                    MessageKind.POLICY,
                    {
                        "action": "warn",
                        "labels": policy["labels"],
                        "notice": policy["notice"],
                        "author_id": who.user_id,
                        "message_seq": message.seq,
                    },
                )
            )
        logger.info("file stored thread_id=%s file_id=%s size=%d", thread.id, file_id, size)
        return message_json(message)

    async def _apply(
        self, who: Principal, thread_id: str, info: dict[str, Any], check: FileCheck
    ) -> dict[str, Any]:
        """The deployment's action for a file with contact details: ``warn`` lets it through
        (flagged); ``block`` and ``redact`` refuse it, since a file cannot be redacted."""
        labels = list(check.labels)
        rule = "Before a contract starts, keep communication, files and payment on the platform."
        action = self.threads.policy_action
        blocked = action is not PolicyAction.WARN
        what = ", ".join(labels)
        if blocked:
            notice = (
                f"The file {info['name']} was not shared because it contains contact details "
                f"({what}). A file cannot be edited to remove them, so it is blocked. {rule}"
            )
        else:
            notice = f"The file {info['name']} contains contact details ({what}). {rule}"
        excerpt = "; ".join(sorted({row.matched for row in check.matches}))
        await self.store.record_findings(
            thread_id=thread_id,
            message_id=None,
            author_id=who.user_id,
            action="block" if blocked else "warn",
            original_text=f"[file {info['name']}, sha256 {info['sha256']}] {excerpt}",
            findings=list(check.matches),
        )
        if not blocked:
            return {"action": "warn", "labels": labels, "notice": notice}
        await self.store.append_audit(
            thread_id,
            "policy.file_blocked",
            who.user_id,
            {"labels": labels, "file": info, "configured_action": action.value},
        )
        await self.threads.post(
            NewMessage(
                thread_id,
                SYSTEM_AUTHOR,
                MessageKind.POLICY,
                {"action": "block", "labels": labels, "notice": notice, "author_id": who.user_id},
            )
        )
        raise PolicyViolation(notice, labels=labels)

    async def find(self, who: Principal, thread_id: str, file_id: str) -> dict[str, Any]:
        """The ``file`` message body of ``file_id``: for the thread's two parties and auditors
        (strangers get 404, the service token 403)."""
        thread = await self.threads.visible_thread(who, thread_id)
        if who.is_service:
            raise Forbidden(
                "files are for the thread's two parties and auditors", code="not_allowed"
            )
        for body in await self.store.message_bodies(thread.id, MessageKind.FILE):
            if body.get("file_id") == file_id:
                return dict(body)
        raise NotFound("no such file", code="file_not_found")

    async def downloaded(self, who: Principal, thread_id: str, body: dict[str, Any]) -> None:
        """A party's download goes on the thread's audit chain (auditors': the access chain)."""
        if who.is_auditor:
            return
        await self.store.append_audit(
            thread_id,
            "file.downloaded",
            who.user_id,
            {"file_id": body["file_id"], "name": body["name"], "sha256": body["sha256"]},
        )


async def files_of(threads: ThreadService, thread_id: str) -> list[dict[str, Any]]:
    """Every file message body of a thread (for evidence bundles)."""
    return list(await threads.store.message_bodies(thread_id, MessageKind.FILE))
