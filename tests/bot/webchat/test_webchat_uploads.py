"""Uploads over real HTTP: accepted types reach the engine as attachments; the rest is refused."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from bot.channels.webchat.uploads import MAX_BYTES, clean_name, sniff
from conversations.messages import Attachment
from tests.bot.webchat import files
from tests.bot.webchat.served import Served, first_visit, greeted


async def upload(
    client: httpx.AsyncClient, data: bytes, name: str, content_type: str
) -> httpx.Response:
    """Upload as the page does: the raw file as the body, its name in a header."""
    headers = {"content-type": content_type, "x-file-name": quote(name)}
    return await client.post("/chat/api/uploads", content=data, headers=headers)


async def test_png_reaches_the_engine_as_an_attachment(served: Served, tmp_path) -> None:  # type: ignore[no-untyped-def]
    image = files.png(4, 3)
    async with served.client() as client:
        await greeted(client, served)
        stored = await upload(client, image, "Giấy chứng nhận ATTP.png", "image/png")
        assert stored.status_code == 201
        meta = stored.json()
        assert meta["kind"] == "photo"
        assert meta["mime_type"] == "image/png"
        assert meta["name"] == "Giấy chứng nhận ATTP.png"
        sent = await client.post(
            "/chat/api/messages", json={"id": "upload-0001", "upload": meta["id"], "label": "📎"}
        )
        assert sent.status_code == 200
        row = sent.json()["messages"][0]
        assert row["attachment"]["name"] == "Giấy chứng nhận ATTP.png"
        assert row["attachment"]["url"] == f"/chat/api/files/{meta['id']}"
        own = await client.get(row["attachment"]["url"])
    [incoming] = served.received
    assert incoming.attachment == Attachment(
        kind="photo",
        file_ref=meta["id"],
        mime_type="image/png",
        size=len(image),
        file_name="Giấy chứng nhận ATTP.png",
    )
    assert incoming.text is None
    assert (tmp_path / "var" / "uploads" / meta["id"]).read_bytes() == image
    assert own.status_code == 200
    assert own.content == image
    assert own.headers["content-type"] == "image/png"
    assert own.headers["x-content-type-options"] == "nosniff"


async def test_a_file_is_served_only_to_its_owner(served: Served) -> None:
    async with served.client() as owner:
        await greeted(owner, served)
        meta = (await upload(owner, files.PDF, "hồ sơ.pdf", "application/pdf")).json()
    url = f"/chat/api/files/{meta['id']}"
    async with served.client() as stranger:
        await first_visit(stranger)
        assert (await stranger.get(url)).status_code == 404
    async with httpx.AsyncClient(base_url=served.url) as anonymous:
        assert (await anonymous.get(url)).status_code == 404
    async with served.client() as stranger:
        await first_visit(stranger)
        taken = await stranger.post(
            "/chat/api/messages", json={"id": "steal-0001", "upload": meta["id"]}
        )
        assert taken.status_code == 400
    assert served.received == []


@pytest.mark.parametrize(
    ("data", "declared", "mime", "kind"),
    [
        (files.JPEG, "image/jpeg", "image/jpeg", "photo"),
        (files.WEBP, "image/webp", "image/webp", "photo"),
        (files.PDF, "application/pdf", "application/pdf", "document"),
        (files.png(), "application/octet-stream", "image/png", "photo"),
    ],
    ids=["jpeg", "webp", "pdf", "png-undeclared"],
)
async def test_accepted_types_are_recognised_by_content(
    served: Served, data: bytes, declared: str, mime: str, kind: str
) -> None:
    async with served.client() as client:
        await greeted(client, served)
        response = await upload(client, data, "tệp", declared)
    assert response.status_code == 201
    assert (response.json()["mime_type"], response.json()["kind"]) == (mime, kind)


@pytest.mark.parametrize(
    ("data", "name", "declared", "status", "error"),
    [
        (files.EXE, "setup.exe", "application/x-msdownload", 415, "type"),
        (files.EXE, "anh.jpg", "image/jpeg", 415, "type"),
        (files.TEXT, "anh.png", "image/png", 415, "type"),
        (b"<svg onload=alert(1)>", "x.svg", "image/svg+xml", 415, "type"),
        (b"", "empty.png", "image/png", 400, "empty"),
    ],
    ids=["exe", "exe-renamed", "text-renamed", "svg", "empty"],
)
async def test_other_files_are_refused_and_not_kept(
    served: Served,
    tmp_path,
    data: bytes,
    name: str,
    declared: str,
    status: int,
    error: str,  # type: ignore[no-untyped-def]
) -> None:
    async with served.client() as client:
        await greeted(client, served)
        response = await upload(client, data, name, declared)
    assert response.status_code == status
    assert response.json()["error"] == error
    folder = tmp_path / "var" / "uploads"
    assert not folder.exists() or not any(folder.iterdir())


async def test_files_over_10_mb_are_refused(served: Served) -> None:
    big = files.png() + b"\x00" * MAX_BYTES
    async with served.client() as client:
        await greeted(client, served)
        response = await upload(client, big, "big.png", "image/png")
        exact = await upload(
            client, files.PDF + b"\x00" * (MAX_BYTES - len(files.PDF)), "ok.pdf", "application/pdf"
        )
    assert response.status_code == 413
    assert exact.status_code == 201
    assert exact.json()["size"] == MAX_BYTES


def test_sniffing_and_names() -> None:
    assert sniff(files.png()[:16]) == "image/png"
    assert sniff(files.TEXT[:16]) is None
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\a\\ảnh\x00.jpg") == "ảnh.jpg"
    assert clean_name("") == "file"
    assert len(clean_name("a" * 500 + ".pdf")) == 120
