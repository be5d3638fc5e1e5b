"""The Anki export: the package's contents, stable identity, and re-import into Anki itself."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

from conftest import run
from handbook.anki import (
    FIELDS, export, media_name, note_guid, stable_id,
 check_mathjax
)
from handbook.content import load_book
from handbook.errors import ContentError
from handbook.options import Selection

EPOCH = 1_750_000_000


@pytest.fixture(autouse=True)
def source_date(monkeypatch):
    """A fixed project date: the fixture copies are not in git."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))


def apkg(project: Path, selection: Selection = Selection()) -> Path:
    out = project / "dist" / "handbook.apkg"
    export(project, out, selection)
    return out


def read_package(path: Path, tmp_path: Path) -> dict:
    """Notes by question id, plus decks, models and media, as the package holds them."""
    with zipfile.ZipFile(path) as archive:
        with tempfile.NamedTemporaryFile(dir=tmp_path, suffix=".anki2", delete=False) as db:
            db.write(archive.read("collection.anki2"))
        media = json.loads(archive.read("media"))
        files = {name: archive.read(index) for index, name in media.items()}
    conn = sqlite3.connect(db.name)
    try:
        notes = {}
        for guid, mid, mod, tags, flds in conn.execute("SELECT guid, mid, mod, tags, flds FROM notes"):
            fields = dict(zip(FIELDS, flds.split("\x1f")))
            notes[fields["Id"]] = {"guid": guid, "mid": mid, "mod": mod, "tags": tags.split(), "fields": fields}
        cards = conn.execute("SELECT nid, did FROM cards").fetchall()
        decks_json, models_json = conn.execute("SELECT decks, models FROM col").fetchone()
    finally:
        conn.close()
    return {"notes": notes, "cards": cards, "decks": json.loads(decks_json),
            "models": json.loads(models_json), "media": files}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


NEW_QUESTION = """
  - id: entropy
    title: Entropy
    difficulty: medium
    kind: technical
    topics: [information theory]
    question: |
      Define the entropy of a discrete distribution.
    short_answer: |
      $H(P) = -\\sum_x P(x)\\log P(x)$.
    answer: |
      The expected surprise under $P$.
"""

ROE_REFERENCE = """  roe2021:
    author: Richard Roe and Edgar Poe
    title: Another Book
    year: 2021
    venue: Fixture Press
"""


# -- contents -------------------------------------------------------------------


def test_one_note_per_question_with_fields_tags_and_guid(mini, tmp_path):
    package = read_package(apkg(mini), tmp_path)
    notes = package["notes"]
    assert set(notes) == {"bayes-rule", "kl-basics"}
    assert len(package["cards"]) == 2
    bayes = notes["bayes-rule"]
    assert bayes["guid"] == note_guid("bayes-rule")
    assert sorted(bayes["tags"]) == ["basics", "bayes_theorem", "easy", "probability"]
    assert sorted(notes["kl-basics"]["tags"]) == ["hard", "information_theory", "more"]
    f = bayes["fields"]
    meta = (f["Number"], f["Chapter"], f["Difficulty"], f["Topics"])
    assert meta == ("1.1", "Basics", "easy", "bayes theorem, probability")
    assert f["Question"] == "State Bayes' rule for events A &amp; B, with P(A|B) written out."
    assert f["ShortAnswer"] == r"\(P(A\mid B) = P(B\mid A)P(A)/P(B)\), valid when \(P(B) &gt; 0\)."


def test_answer_field_holds_prose_as_html_and_maths_for_mathjax(mini, tmp_path):
    answer = read_package(apkg(mini), tmp_path)["notes"]["bayes-rule"]["fields"]["Answer"]
    assert r"\[P(A\mid B)\,P(B) = P(A, B) = P(B\mid A)\,P(A).\]" in answer
    assert "<b>16.7%</b>" in answer
    assert "see <i>KL divergence</i> and [Doe 2020]" in answer
    assert "<ul><li>first_point with {braces} and ~tilde^caret</li><li>second <em>point</em></li></ul>" in answer
    assert r"<li>Swapping \(P(A\mid B)\) and \(P(B\mid A)\).</li>" in answer
    assert r"<li>What if \(P(B) = 0\)?</li>" in answer
    assert "Jane Doe (2020). <i>A Book of Tests</i>. Fixture Press." in answer


def test_a_cite_of_several_keys_names_each_work(mini, tmp_path):
    path = mini / "content" / "basics.yaml"
    edit(path, "\\cite{doe2020}", "\\cite{doe2020, roe2021}")
    edit(path, "questions:", ROE_REFERENCE + "questions:")
    answer = read_package(apkg(mini), tmp_path)["notes"]["bayes-rule"]["fields"]["Answer"]
    assert "see <i>KL divergence</i> and [Doe 2020; Roe and Poe 2021]." in answer


def test_template_shows_the_answer_below_the_divider(mini, tmp_path):
    package = read_package(apkg(mini), tmp_path)
    model = package["models"][str(stable_id("model", "Mini Handbook"))]
    assert [f["name"] for f in model["flds"]] == FIELDS
    (template,) = model["tmpls"]
    assert "{{Question}}" in template["qfmt"] and "{{Chapter}}" in template["qfmt"]
    back = template["afmt"]
    assert back.index("<hr id=answer>") < back.index("{{ShortAnswer}}") < back.index("{{Answer}}")


def test_a_deck_per_chapter_under_the_book(mini, tmp_path):
    package = read_package(apkg(mini), tmp_path)
    names = {int(d["id"]): d["name"] for d in package["decks"].values()}
    assert names[stable_id("deck", "Mini Handbook")] == "Mini Handbook"
    assert names[stable_id("deck", "Mini Handbook", "basics")] == "Mini Handbook::Basics"
    assert names[stable_id("deck", "Mini Handbook", "more")] == "Mini Handbook::More"
    by_note = {n["fields"]["Id"]: n for n in package["notes"].values()}
    decks = {did for _, did in package["cards"]}
    assert decks == {stable_id("deck", "Mini Handbook", "basics"), stable_id("deck", "Mini Handbook", "more")}
    assert all(n["mid"] == stable_id("model", "Mini Handbook") for n in by_note.values())


def test_ids_fit_anki(mini):
    for parts in [("model", "Mini Handbook"), ("deck", "Mini Handbook"), ("deck", "Mini Handbook", "basics")]:
        assert 2**30 < stable_id(*parts) < 2**63
    assert stable_id("model", "Mini Handbook") != stable_id("deck", "Mini Handbook")


def test_figures_travel_as_svg_media(mini, tmp_path):
    package = read_package(apkg(mini), tmp_path)
    name = media_name(load_book(mini), "line_plot")
    assert name == "mini-handbook-line_plot.svg"
    assert list(package["media"]) == [name]
    assert package["media"][name].lstrip().startswith(b"<?xml") and b"<svg" in package["media"][name]
    figures = package["notes"]["bayes-rule"]["fields"]["Figures"]
    assert f'<img src="{name}">' in figures
    assert r"The line \(y = x\) and the parabola \(y = x^2\)" in figures
    assert package["notes"]["kl-basics"]["fields"]["Figures"] == ""


def test_filters_choose_the_questions(mini, tmp_path):
    package = read_package(apkg(mini, Selection(difficulty=("hard",))), tmp_path)
    assert set(package["notes"]) == {"kl-basics"}
    assert package["media"] == {}
    names = {d["name"] for d in package["decks"].values()}
    assert "Mini Handbook::Basics" not in names and "Mini Handbook::More" in names


def test_cli_writes_dist_handbook_apkg(mini):
    assert run("anki", "--project", str(mini), "--quiet") == 0
    assert zipfile.is_zipfile(mini / "dist" / "handbook.apkg")


# -- stable identity --------------------------------------------------------------


def test_unchanged_content_gives_identical_bytes(mini, tmp_path):
    first = apkg(mini).read_bytes()
    second = apkg(mini).read_bytes()
    assert first == second
    (mini / "build" / "anki-state.json").unlink()  # as in a clean clone
    assert apkg(mini).read_bytes() == first
    with zipfile.ZipFile(mini / "dist" / "handbook.apkg") as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_editing_an_answer_updates_that_note_only(mini, tmp_path):
    before = read_package(apkg(mini), tmp_path)["notes"]
    edit(mini / "content" / "more.yaml", "makes it non-negative.", "makes it non-negative (edited).")
    after = read_package(apkg(mini), tmp_path)["notes"]
    assert set(after) == set(before)
    assert after["kl-basics"]["guid"] == before["kl-basics"]["guid"]
    assert "(edited)" in after["kl-basics"]["fields"]["Answer"]
    assert after["kl-basics"]["mod"] > before["kl-basics"]["mod"]
    assert after["bayes-rule"] == before["bayes-rule"]


def test_each_edit_is_newer_than_the_last(mini, tmp_path):
    mods = []
    for n in range(3):
        edit(mini / "content" / "more.yaml", "non-negative", f"non-negative{n}")
        mods.append(read_package(apkg(mini), tmp_path)["notes"]["kl-basics"]["mod"])
    assert mods[0] < mods[1] < mods[2]


def test_adding_a_question_adds_exactly_one_note(mini, tmp_path):
    before = read_package(apkg(mini), tmp_path)["notes"]
    path = mini / "content" / "more.yaml"
    path.write_text(path.read_text(encoding="utf-8") + NEW_QUESTION, encoding="utf-8")
    after = read_package(apkg(mini), tmp_path)["notes"]
    assert set(after) - set(before) == {"entropy"}
    assert {k: v["guid"] for k, v in before.items()} == {k: after[k]["guid"] for k in before}
    assert all(after[k]["mod"] == before[k]["mod"] for k in before)


# -- maths ----------------------------------------------------------------------------


def test_maths_mathjax_cannot_render_is_reported_with_its_line(mini):
    path = mini / "content" / "basics.yaml"
    edit(path, "What if $P(B) = 0$?", r"What if $\argmax_x P(x)$ is empty?")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "argmax" in text)
    with pytest.raises(ContentError) as error:
        apkg(mini)
    (problem,) = error.value.problems
    assert str(problem).startswith(f"content/basics.yaml:{line}:")
    assert "\\argmax is not an allowed maths command" in problem.message
    assert not (mini / "dist" / "handbook.apkg").exists()


def test_deck_maths_is_checked_again_against_mathjax(mini):
    book = load_book(mini)
    prose = book.questions()[0].answer
    prose.pieces = [["m", r"\argmax_x f(x)", False]]  # as if validation had let it through
    with pytest.raises(ContentError) as error:
        check_mathjax([prose])
    assert "MathJax" in str(error.value) and str(error.value).startswith("content/basics.yaml:")


# -- Anki itself ----------------------------------------------------------------------


def test_reimport_into_anki_updates_in_place_and_keeps_reviews(mini, tmp_path):
    collection = pytest.importorskip("anki.collection")
    from anki.scheduler_pb2 import CardAnswer

    (tmp_path / "anki").mkdir()
    col = collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        _import(col, collection, apkg(mini))
        assert col.note_count() == 2
        card = _review_one(col, CardAnswer)
        nid = card.nid
        schedule = col.db.all(SCHEDULING, card.id)
        edit(mini / "content" / "more.yaml", "makes it non-negative.", "makes it non-negative (edited).")
        edit(mini / "content" / "basics.yaml", "second \\emph{point}", "second \\emph{point}, edited")
        log = _import(col, collection, apkg(mini))
        assert len(log.updated) == 2 and not log.new
        assert col.note_count() == 2
        texts = {col.get_note(n)["Id"]: col.get_note(n) for n in col.find_notes("")}
        assert "(edited)" in texts["kl-basics"]["Answer"]
        assert "<em>point</em>, edited" in texts["bayes-rule"]["Answer"]
        assert col.get_card(card.id).nid == nid and col.get_note(nid)["Id"] in texts
        assert col.db.scalar("SELECT count() FROM revlog WHERE cid = ?", card.id) == 1
        assert col.db.all(SCHEDULING, card.id) == schedule
        assert col.card_count() == 2
        assert (Path(col.media.dir()) / "mini-handbook-line_plot.svg").is_file()
    finally:
        col.close()


SCHEDULING = "SELECT type, queue, due, ivl, factor, reps, lapses, left FROM cards WHERE id = ?"


def test_an_edit_after_a_clean_reaches_anki_and_keeps_the_schedule(mini, tmp_path):
    collection = pytest.importorskip("anki.collection")
    from anki.scheduler_pb2 import CardAnswer

    (tmp_path / "anki").mkdir()
    col = collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        first = apkg(mini)
        _import(col, collection, first)
        card = _review_one(col, CardAnswer)
        schedule = col.db.all(SCHEDULING, card.id)
        shutil.rmtree(mini / "build")  # what `make clean` does
        shutil.rmtree(mini / "dist")
        edit(mini / "content" / "more.yaml", "\\ge 0$.", "\\ge 0$, zero only when P = Q.")
        _import(col, collection, apkg(mini))
        edited = col.get_note(col.find_notes("Id:kl-basics")[0])
        assert "zero only when P = Q" in edited["ShortAnswer"]
        assert col.db.all(SCHEDULING, card.id) == schedule
        assert col.db.scalar("SELECT count() FROM revlog WHERE cid = ?", card.id) == 1
    finally:
        col.close()


def test_unchanged_content_exports_the_same_bytes_after_a_clean(mini):
    first = apkg(mini).read_bytes()
    shutil.rmtree(mini / "build")
    shutil.rmtree(mini / "dist")
    assert apkg(mini).read_bytes() == first


def _import(col, collection, path: Path):
    # The presets are what Anki's own import dialog starts from.
    options = col._backend.get_import_anki_package_presets()
    result = col.import_anki_package(collection.ImportAnkiPackageRequest(package_path=str(path), options=options))
    return result.log


def _review_one(col, CardAnswer):
    """Answer one new card Good, as a user would."""
    col.decks.select(col.decks.id_for_name("Mini Handbook"))
    queued = col.sched.get_queued_cards().cards[0]
    card = col.get_card(queued.card.id)
    card.start_timer()
    col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD))
    assert col.db.scalar("SELECT count() FROM revlog WHERE cid = ?", card.id) == 1
    return card
