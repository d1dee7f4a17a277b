"""`ocop-bot ask`: the answer policy's decision is visible in the JSON and in the text form."""

from __future__ import annotations

import json

import pytest

from bot.cli.knowledge import ask
from knowledge.library import load_library


def test_json_shows_the_band_and_the_alternative(capsys: pytest.CaptureFixture[str]) -> None:
    assert ask("giay chung nhan ocop co gia tri bao lau ke tu ngay ky", "vi", True) == 0
    direct = json.loads(capsys.readouterr().out)
    assert direct["band"] == "direct" and direct["entry_id"] == "cert-validity"
    assert direct["alternative"] is None
    assert ask("hồ sơ", "vi", True) == 0
    choose = json.loads(capsys.readouterr().out)
    assert choose["band"] == "choose" and choose["entry_id"] is None
    assert len(choose["suggestions"]) >= 2
    assert ask("xổ số miền nam hôm nay", "vi", True) == 0
    refused = json.loads(capsys.readouterr().out)
    assert refused["band"] is None and refused["entry_id"] is None


def test_text_form_names_the_alternative(capsys: pytest.CaptureFixture[str]) -> None:
    index = load_library().faq_index()
    questions = ["logo ocop", "tem ocop", "nhãn ocop", "in logo ocop", "5 sao"]
    unsure = [q for q in questions if index.ask(q).alternative is not None]
    assert unsure
    result = index.ask(unsure[0])
    assert result.alternative is not None
    assert ask(unsure[0], "vi", False) == 0
    out = capsys.readouterr().out
    assert f"Hoặc anh/chị muốn hỏi: {result.alternative.question['vi']}" in out
    assert ask(unsure[0], "vi", True) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["band"] == "with_alternative"
    assert payload["alternative"] == {
        "entry_id": result.alternative.id, "question": result.alternative.question["vi"],
    }
