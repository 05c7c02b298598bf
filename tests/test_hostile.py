"""Hostile inputs (issue 11): every kind is read in linear time, ends in a result or a
PolicydiffError, and puts nothing on screen that drives a terminal or a renderer.

The time limits only catch hangs (quadratic code took minutes on these sizes); the speed
itself is measured in benchmarks/hostile.py.
"""

from __future__ import annotations

import multiprocessing
import time

import pytest
from hostile_inputs import GOOD, KINDS

import policydiff
from policydiff.errors import PolicydiffError
from policydiff.models import Snapshot
from policydiff.normalize.decode import sniff_format

SIZE = 150_000
HANG = 30.0  # seconds; linear code takes about one


def _compare_in_child(kind: str, extension: str, queue: multiprocessing.Queue[str]) -> None:
    text = KINDS[kind](SIZE)
    try:
        policydiff.compare(
            Snapshot(content=GOOD.encode(), name="good.md"),
            Snapshot(content=text.encode(), name=f"hostile.{extension}"),
        )
        queue.put("result")
    except PolicydiffError as err:
        queue.put(f"error: {err}")
    except BaseException as err:  # the test fails on this
        queue.put(f"unexpected {type(err).__name__}: {err}")


def _extension(kind: str) -> str:
    fmt = sniff_format(KINDS[kind](2000))
    return {"html": "html", "markdown": "md", "text": "txt"}[fmt]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_hostile_input_is_compared_without_hanging(kind: str) -> None:
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[str] = context.Queue()
    child = context.Process(target=_compare_in_child, args=(kind, _extension(kind), queue))
    start = time.monotonic()
    child.start()
    child.join(HANG)
    hung = child.is_alive()
    if hung:
        child.kill()
        child.join()
    assert not hung, f"{kind}: still comparing after {time.monotonic() - start:.0f} s"
    outcome = queue.get(timeout=5)
    assert not outcome.startswith("unexpected"), f"{kind}: {outcome}"


@pytest.mark.parametrize("kind", ["strong **a", "em _a", "brackets [[x]]", "dots ....."])
def test_markdown_hostile_input_read_as_markdown(kind: str) -> None:
    """The issue's reproduction names the file .md: the Markdown reader, whatever the sniffer says."""
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[str] = context.Queue()
    child = context.Process(target=_compare_in_child, args=(kind, "md", queue))
    child.start()
    child.join(HANG)
    hung = child.is_alive()
    if hung:
        child.kill()
        child.join()
    assert not hung
    assert not queue.get(timeout=5).startswith("unexpected")
