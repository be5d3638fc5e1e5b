"""Every content test must read the book: a test that never does cannot guard it."""

from __future__ import annotations

import pytest

import bank


@pytest.fixture(autouse=True)
def reads_the_book(request):
    before = bank.READS[0]
    yield
    if request.node.rep_call.passed if hasattr(request.node, "rep_call") else True:
        assert bank.READS[0] > before, f"{request.node.name} never reads content/ or a figure"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
