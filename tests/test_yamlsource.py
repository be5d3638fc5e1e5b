"""Bad YAML gets a clear message naming the file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.errors import ContentError, Pos
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


def test_a_cached_tree_is_the_tree_the_file_loads_to(tmp_path):
    from handbook.treecache import TreeCache

    files = sorted((Path(__file__).parents[1] / "content").glob("*.yaml"))
    cut = tmp_path / "cut.yaml"
    cut.write_text("title: Exploration #1 of many\nanswer: |\n  two\n  lines\n")
    for path in [*files, cut]:
        cold = TreeCache(tmp_path / "cache")
        fresh = cold.load(path, f"content/{path.name}")
        cold.save()
        warm = TreeCache(tmp_path / "cache").load(path, f"content/{path.name}")
        assert warm == fresh == load(path, f"content/{path.name}")
    assert len(warm.warnings) == 1 and warm.warnings[0].pos.line == 1


def test_only_changed_files_are_parsed_again(tmp_path, monkeypatch):
    import handbook.yamlsource as yamlsource
    from handbook.treecache import TreeCache

    path = tmp_path / "a.yaml"
    path.write_text("a: 1\nb: [x, y]\n")
    cache = TreeCache(tmp_path)
    cache.load(path, "content/a.yaml")
    cache.save()

    def refuse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(yamlsource.yaml, "compose", refuse)
    assert TreeCache(tmp_path).load(path, "content/b.yaml").value["b"].value[1].pos == Pos("content/b.yaml", 2, 8)
    path.write_text("a: 2\nb: [x, y]\n")
    with pytest.raises(AssertionError, match="parsed again"):
        TreeCache(tmp_path).load(path, "content/a.yaml")
