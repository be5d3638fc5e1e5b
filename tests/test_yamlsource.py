"""Bad YAML gets a clear message naming the file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.errors import ContentError
from handbook.yamlsource import MAX_BYTES, load


def problems(tmp_path: Path, data: bytes | str) -> list[str]:
    path = tmp_path / "x.yaml"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    with pytest.raises(ContentError) as info:
        load(path, "content/x.yaml")
    return [str(p) for p in info.value.problems]


def test_duplicate_key_names_both_lines(tmp_path):
    assert problems(tmp_path, "a: 1\nb: 2\na: 3\n") == [
        "content/x.yaml:3:1: duplicate key 'a' (first given at line 1)"
    ]


def test_unsafe_tag_is_refused(tmp_path):
    (msg,) = problems(tmp_path, "a: !!python/object/apply:os.system ['true']\n")
    assert msg.startswith("content/x.yaml:1:4: tag tag:yaml.org,2002:python/object/apply:os.system is not allowed")


def test_custom_tag_is_refused(tmp_path):
    (msg,) = problems(tmp_path, "title: !secret value\n")
    assert msg.startswith("content/x.yaml:1:8: tag !secret is not allowed")


def test_tab_is_located(tmp_path):
    assert problems(tmp_path, "a:\n\tb: 1\n") == ["content/x.yaml:2:1: tab character; indent and space with spaces"]


def test_non_utf8_byte_is_located(tmp_path):
    assert problems(tmp_path, b"a: ok\nb: caf\xe9\n") == [
        "content/x.yaml:2:7: byte 0xe9 is not UTF-8; save the file as UTF-8"
    ]


def test_empty_file(tmp_path):
    assert problems(tmp_path, "  \n\n") == ["content/x.yaml: file is empty"]


def test_huge_file_is_refused_before_parsing(tmp_path):
    (msg,) = problems(tmp_path, "a: " + "x" * (10 * 2**20) + "\n")
    assert msg == f"content/x.yaml: file is 10.0 MiB; the limit is {MAX_BYTES // 2**20} MiB"


def test_deep_nesting(tmp_path):
    (msg,) = problems(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nesting is too deep" in msg and msg.startswith("content/x.yaml:1:")


def test_alias_bomb_is_refused(tmp_path):
    text = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    found = problems(tmp_path, text)
    assert found[0] == "content/x.yaml:1:4: this value is reused through an alias (*name); aliases are not supported"


def test_syntax_error_is_located(tmp_path):
    (msg,) = problems(tmp_path, "a: [1, 2\nb: 3\n")
    assert msg.startswith("content/x.yaml:2:2: YAML syntax:")


def test_literal_block_offsets_map_to_file_positions(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("q:\n  answer: |\n    first line\n    second $x$ line\n", encoding="utf-8")
    node = load(path, "x.yaml").value["q"].value["answer"]
    offset = node.value.index("$x$")
    assert str(node.at(offset)) == "x.yaml:4:12"


def test_control_character_is_located(tmp_path):
    assert problems(tmp_path, "a: ok\nb: x\x1fy\n") == ["content/x.yaml:2:5: character U+001F is not allowed in YAML"]
