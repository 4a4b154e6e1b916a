from __future__ import annotations

from pathlib import Path

import pytest

from aluzio.adapters.mail.templates import FileMailTemplates


def write(directory: Path, name: str, text: str, html: str) -> Path:
    (directory / f"{name}.txt").write_text(text, encoding="utf-8")
    (directory / f"{name}.html").write_text(html, encoding="utf-8")
    return directory


def test_renders_subject_text_and_html_with_the_base_url(tmp_path: Path) -> None:
    write(
        tmp_path,
        "verify-email",
        "Subject: Verify $name\n\nHi $name, open $base_url/verify-email#token=$token\n",
        '<a href="$base_url/verify-email#token=$token">Verify, $name</a>',
    )
    templates = FileMailTemplates("https://app.aluzio.test/", tmp_path)
    message = templates.render(
        "verify-email", to="ada@example.org", values={"name": "Ada <3", "token": "t0k"}
    )
    assert message.to == "ada@example.org"
    assert message.category == "verify-email"
    assert message.subject == "Verify Ada <3"
    assert message.text_body == ("Hi Ada <3, open https://app.aluzio.test/verify-email#token=t0k\n")
    assert message.html_body == (
        '<a href="https://app.aluzio.test/verify-email#token=t0k">Verify, Ada &lt;3</a>'
    )


def test_unknown_template_or_missing_value_is_a_lookup_error(tmp_path: Path) -> None:
    templates = FileMailTemplates("https://a.test", write(tmp_path, "hi", "Subject: x\n\n$who", ""))
    with pytest.raises(LookupError):
        templates.render("nope", to="a@b.test", values={})
    with pytest.raises(LookupError):
        templates.render("hi", to="a@b.test", values={})


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Subject: x\n\n$base_url/reset?token=$token\n", ""),
        ("Subject: x\n\nok\n", '<a href="$base_url/reset/${reset_token}">x</a>'),
        ("Subject: your code $token\n\nok\n", ""),
    ],
)
def test_a_token_outside_a_link_fragment_is_refused(tmp_path: Path, text: str, html: str) -> None:
    write(tmp_path, "password-reset", text, html)
    with pytest.raises(ValueError, match="fragment"):
        FileMailTemplates("https://a.test", tmp_path)


def test_the_shipped_test_message_links_to_the_base_url() -> None:
    message = FileMailTemplates("https://app.aluzio.test").render(
        "mail-test", to="ops@example.org", values={}
    )
    assert message.subject == "Aluzio test message"
    assert "https://app.aluzio.test/" in message.text_body
    assert 'href="https://app.aluzio.test/"' in message.html_body
