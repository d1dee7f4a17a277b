"""The package stands alone: a wheel built from this tree, installed into a fresh virtual
environment, runs `ocop-bot chat` in Vietnamese from any folder, with no make and no .mo built by
hand (the build hook compiles the catalogs; content, templates and migrations are package data)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*cmd: str | Path, cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
        **kw,  # type: ignore[arg-type]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_wheel_installs_and_chats_in_vietnamese(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # The build runs in a copy of the tree, so nothing is written into the checkout.
    tree = tmp_path / "src"
    files = _run("git", "ls-files", "-co", "--exclude-standard", cwd=ROOT).stdout.split()
    for name in files:
        src = ROOT / name
        if src.is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            (tree / name).write_bytes(src.read_bytes())
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", dist, tree, cwd=tmp_path)
    wheel = next(dist.glob("ocop_assistant-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "conversations/locales/vi/LC_MESSAGES/messages.mo",
        "conversations/templates/menu.j2",
        "knowledge/content/checklist.yaml",
        "bot/migrations/env.py",
        "bot/web/static/chat.js",
    ):
        assert needed in names, needed

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    bindir = venv / "bin"
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(_run(bindir / "python", "-c", purelib, cwd=tmp_path).stdout.strip())
    # The dependencies come from this test environment, after the venv's own site-packages, so the
    # installed wheel (not this checkout) provides bot/, conversations/ and knowledge/.
    (site / "test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _run(bindir / "python", "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel,
         cwd=tmp_path)

    folder = tmp_path / "elsewhere"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "DATABASE_URL"}}
    where = _run(bindir / "python", "-c", "import conversations; print(conversations.__file__)",
                 cwd=folder, env=env).stdout
    assert where.startswith(str(site)), where
    out = _run(bindir / "ocop-bot", "chat", "--user", "lan", input="menu\n", cwd=folder,
               env=env).stdout
    assert "Chào anh/chị! Tôi là trợ lý OCOP Cà Mau." in out
    assert "1. 📝 Đăng ký chủ thể" in out
    assert (folder / "var" / "ocop.db").exists()  # data under the folder it was started from
