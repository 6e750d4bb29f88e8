"""Reading ``POST /v1/apps/{app_version_id}``'s multipart form as it arrives.

The file part goes straight into its own temporary file in the build store, hashed on the
way, so memory stays bounded whatever the build's size and the file is written once;
past ``QGJOB_BUILD_MAX_BYTES`` the request ends with 413. The text fields are small and
kept in memory (at most ``FIELD_MAX_BYTES`` each).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from qgjob_api.build_files import Incoming, begin, store_error
from qgjob_api.errors import ApiError, invalid
from qgjob_schemas import BUILD_SUFFIXES, check_file_name

FIELD_MAX_BYTES = 8192
PARTS_MAX = 16
FLUSH_BYTES = 1 << 20
"""File data is written to disk (in a thread) once this much arrived."""


@dataclass
class ReadForm:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    upload: Incoming | None = None


def build_file_name(raw: str, what: str) -> str:
    """``raw`` when it is a file name the build store may keep, else a 422 for ``what``."""
    try:
        name = check_file_name(raw, what)
    except ValueError as exc:
        raise invalid(what, str(exc).removeprefix(f"{what} ")) from None
    if not name.lower().endswith(BUILD_SUFFIXES) or name.startswith("."):
        raise invalid(what, "must name an .apk, .aab or .ipa file")
    return name


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode()
    except UnicodeDecodeError:
        raise invalid(what, "is not valid UTF-8") from None


class _Parts:
    """python-multipart callbacks: collect the fields, queue the file's bytes."""

    def __init__(self, max_file_bytes: int) -> None:
        self.max_file_bytes = max_file_bytes
        self.form = ReadForm()
        self.parts = 0
        self.header_name, self.header_value = b"", b""
        self.disposition = b""
        self.name = ""
        self.value = bytearray()
        self.in_file = False
        self.file_bytes = 0
        self.pending: list[bytes] = []
        self.pending_bytes = 0

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > PARTS_MAX:
            raise invalid("body", f"has more than {PARTS_MAX} form fields")
        self.disposition, self.value, self.in_file = b"", bytearray(), False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        self.name = _text(options.get(b"name", b""), "body")
        if b"filename" not in options:
            return
        if self.name != "file" or self.form.filename is not None:
            raise invalid(self.name or "body", "only the field 'file' may hold a file, once")
        self.form.filename = build_file_name(_text(options[b"filename"], "file"), "file")
        self.in_file = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if not self.in_file:
            if len(self.value) + len(chunk) > FIELD_MAX_BYTES:
                raise invalid(self.name or "body", f"is longer than {FIELD_MAX_BYTES} bytes")
            self.value += chunk
            return
        self.file_bytes += len(chunk)
        if self.file_bytes > self.max_file_bytes:
            raise ApiError(
                413, "payload_too_large", f"the build is larger than {self.max_file_bytes} bytes"
            )
        self.pending.append(chunk)
        self.pending_bytes += len(chunk)

    def on_part_end(self) -> None:
        if not self.in_file:
            self.form.fields[self.name] = _text(bytes(self.value), self.name or "body")

    def take_pending(self) -> bytes:
        data = b"".join(self.pending)
        self.pending.clear()
        self.pending_bytes = 0
        return data


async def read_build_form(request: Request, store: Path, max_file_bytes: int) -> ReadForm:
    """The form's fields and, when it has one, its file written to a temporary file (the
    caller places or discards ``form.upload``; on an error here it is already removed)."""
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    if kind == b"application/x-www-form-urlencoded":
        return await _read_fields(request)
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise invalid("body", "must be multipart/form-data")
    parts = _Parts(max_file_bytes)
    callbacks = {
        name: getattr(parts, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(params[b"boundary"], callbacks)  # type: ignore[arg-type]
    form = parts.form
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            await _flush(parts, store, final=False)
        parser.finalize()
        await _flush(parts, store, final=True)
    except FormParserError:
        await _drop(form)
        raise invalid("body", "is not a valid multipart form") from None
    except OSError as exc:
        await _drop(form)
        raise store_error(exc, store) from None
    except BaseException:
        await _drop(form)
        raise
    return form


async def _read_fields(request: Request) -> ReadForm:
    """A form without a file (a build given by its URL), URL-encoded."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > FIELD_MAX_BYTES * PARTS_MAX:
            raise invalid("body", f"is longer than {FIELD_MAX_BYTES * PARTS_MAX} bytes")
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=PARTS_MAX)
    except (UnicodeDecodeError, ValueError):
        raise invalid("body", "is not a valid form") from None
    return ReadForm(fields=dict(pairs))


async def _flush(parts: _Parts, store: Path, *, final: bool) -> None:
    form = parts.form
    if form.filename is not None and form.upload is None:
        form.upload = await asyncio.to_thread(begin, store)
    if form.upload is None or (parts.pending_bytes < FLUSH_BYTES and not final):
        return
    if parts.pending:
        await asyncio.to_thread(form.upload.write, parts.take_pending())
    if final:
        await asyncio.to_thread(form.upload.finish)


async def _drop(form: ReadForm) -> None:
    if form.upload is not None:
        await asyncio.to_thread(form.upload.discard)
        form.upload = None
