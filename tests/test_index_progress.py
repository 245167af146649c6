"""``flask index`` and ``flask reindex`` show the same progress bar on a terminal, and none
elsewhere: the commands run in a real pseudo-terminal (with a width, as a terminal has), against
the test node. The bar ends at the final count and is closed before the summary; a warning is
written above it, not on its line."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from service.indexing.report import progress_bar

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 1201  # two full bulk chunks of 500 and a partial one, the last with a warning


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "articles.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(ARTICLES):
            body = "<p>פסקה ב-HTML</p>" if i == ARTICLES - 1 else "פסקה ראשונה של הידיעה."
            record = {"id": f"p{i}", "title": f"ידיעה {i}", "body": [body], "published_at": "2016-01-01"}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def flask(args: list[str], es_url: str, alias: str, terminal: bool) -> tuple[int, str]:
    """Run ``flask --app service ARGS``, its output on a pseudo-terminal of 100 columns (or on a
    pipe): its exit code and everything it wrote."""
    env = {**os.environ, "ES_URL": es_url, "ES_INDEX": alias, "ENTITY_EXTRACTOR": "gazetteer"}
    command = [sys.executable, "-m", "flask", "--app", "service", *args]
    if not terminal:
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout + done.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    output = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 300)
            if not ready:
                process.kill()
                pytest.fail(f"no output for 300 s: {output[-500:]!r}")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the command ended and closed the terminal
                break
            if not data:
                break
            output += data
    finally:
        os.close(master)
    return process.wait(timeout=60), output.decode("utf-8", "replace")


def bar_states(output: str, label: str) -> list[int]:
    return [int(n) for n in re.findall(rf"{label}: (\d+) docs", output)]


@pytest.mark.parametrize("command", ["index", "reindex"])
def test_the_bar_on_a_terminal(command, articles, es_url, make_alias):
    code, output = flask([command, str(articles)], es_url, make_alias("test-progress"), terminal=True)
    assert code == 0, output[-2000:]
    label = f"{command}ing"
    states = bar_states(output, label)
    assert 500 in states and 1000 in states and states[-1] == ARTICLES, output[-2000:]
    summary = output.index(f"read {ARTICLES}, indexed {ARTICLES} articles")
    assert output.rindex(f"{label}:") < summary  # closed before the summary, not redrawn after it
    assert "docs/s]warning" not in output and "warning " in output  # above the bar, not on its line


@pytest.mark.parametrize("command", ["index", "reindex"])
def test_no_bar_without_a_terminal(command, articles, es_url, make_alias):
    code, output = flask([command, str(articles)], es_url, make_alias("test-progress"), terminal=False)
    assert code == 0, output[-2000:]
    assert "docs/s" not in output and f"{command}ing:" not in output
    assert f"read {ARTICLES}, indexed {ARTICLES} articles" in output


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_follows_the_stream_it_is_given():
    assert progress_bar("indexing", io.StringIO()) is None
    stream = Terminal()
    bar = progress_bar("indexing", stream)
    assert bar is not None
    bar(500)
    bar.write("warning x: something")
    bar.close(742)
    text = stream.getvalue()
    assert "indexing: 742 docs" in text and "warning x: something\n" in text
