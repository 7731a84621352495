"""File uploads: multipart bodies keep their files, served back like Discord's CDN.

disnake sends each file as a ``files[N]`` form field next to ``payload_json``, whose
``attachments`` list holds ``{"id": N}`` (inside ``data`` for interaction callbacks).
Discord replaces each entry with a full attachment object (snowflake id, filename, size,
url); the double does the same and keeps the bytes, so a test reads a file the bot sent
with :meth:`~core.testing.double.scenario.ScenarioMixin.attachment_bytes`, and
``disnake.Attachment.read()`` works against ``GET /attachments/{id}/{filename}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

if TYPE_CHECKING:
    from .server import DiscordDouble


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file."""

    filename: str
    content_type: str
    data: bytes


def attach_uploads(double: DiscordDouble, body: Any, form: Any) -> None:
    """Store the ``files[N]`` fields of ``form`` and complete ``body``'s attachment list."""
    files = {
        key[len("files[") : -1]: value
        for key, value in form.items()
        if key.startswith("files[") and key.endswith("]") and hasattr(value, "file")
    }
    if not files or not isinstance(body, dict):
        return
    target = body["data"] if isinstance(body.get("data"), dict) else body
    entries = target.get("attachments") or [{"id": index} for index in files]
    completed = []
    for entry in entries:
        field = files.get(str(entry.get("id")))
        if field is None:  # an attachment the message already had (kept by an edit)
            completed.append(entry)
            continue
        completed.append(_store(double, field, entry.get("description")))
    target["attachments"] = completed


def _store(double: DiscordDouble, field: Any, description: str | None) -> dict[str, Any]:
    data = field.file.read()
    upload = Upload(str(field.filename), field.content_type or "application/octet-stream", data)
    attachment_id = double.ids.next()
    double.uploads[attachment_id] = upload
    url = f"{double.base_url}/attachments/{attachment_id}/{quote(upload.filename)}"
    attachment: dict[str, Any] = {
        "id": str(attachment_id),
        "filename": upload.filename,
        "size": len(data),
        "url": url,
        "proxy_url": url,
        "content_type": upload.content_type,
    }
    if description:
        attachment["description"] = description
    return attachment


def setup_uploads(app: web.Application, double: DiscordDouble) -> None:
    """Serve stored uploads at ``GET /attachments/{attachment_id}/{filename}``."""

    async def serve(request: web.Request) -> web.Response:
        raw = request.match_info["attachment_id"]
        upload = double.uploads.get(int(raw)) if raw.isdigit() else None
        if upload is None:
            raise web.HTTPNotFound()
        return web.Response(body=upload.data, content_type=upload.content_type)

    app.router.add_get("/attachments/{attachment_id}/{filename}", serve)
