"""One bad file never stops the run (issue 12, findings 3 and 4): every malformed file, placed before
the good ones, becomes a reported rejection, and every good article is still read."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from service import create_app
from service.config import Settings
from service.ingest import sources
from service.ingest.sources import Rejection, iter_jsonl_lines, read_paths, walk_paths
from service.model import Article
from tests.ingest.records import GOOD
from tests.project import ROOT, SAMPLES, SEED


def record(n: int) -> bytes:
    noise = random.Random(n).randbytes(300).hex()  # so that a gzip of records spans many blocks
    fields = {**GOOD, "url": f"https://example.test/a/{n}", "lead": noise}
    return json.dumps(fields, ensure_ascii=False).encode() + b"\n"


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Rejection)]


def page(folder: Path, name: str, sidecar: object) -> None:
    (folder / f"{name}.txt").write_bytes(SEED.read_bytes())
    (folder / f"{name}.json").write_text(json.dumps(sidecar))


def malformed_folder(folder: Path) -> None:
    """Every malformed input of the issue, named so that each is read before the good files."""
    (folder / "a-deep.jsonl").write_bytes(record(1) + b"[" * 100_000 + b"\n" + record(2))
    whole = gzip.compress(b"".join(record(n) for n in range(100, 400)))
    (folder / "b-truncated.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    (folder / "c-not-gzip.jsonl.gz").write_bytes(b"this is not gzip\n")
    bomb = gzip.compress(bytes(70_000_000), compresslevel=9)  # 70 MB of zeros in ~70 kB
    (folder / "d-bomb.jsonl.gz").write_bytes(bomb)
    page(folder, "e-url", {"url": 123, "published_at": "2015-12-22"})
    page(folder, "f-date", {"published_at": 20160101})
    page(folder, "f-huge-sidecar", {})
    (folder / "f-huge-sidecar.json").write_bytes(b" " * 2_000_000 + b"{}")
    (folder / "g-cp1255.jsonl").write_bytes(json.dumps(GOOD, ensure_ascii=False).encode("cp1255") + b"\n")
    (folder / "h-dangling.txt").symlink_to(folder / "nowhere.txt")
    (folder / "i-linked-folder").symlink_to(SAMPLES)
    (folder / "j-poison.jsonl").write_bytes(
        json.dumps({**GOOD, "published_at": "9999-12-31T23:00:00-05:00"}).encode() + b"\n"
    )
    (folder / "k-fifo.txt").mkdir()  # a folder named like a page: walked, holds nothing
    page(folder, "z-good", {"url": "https://ynet.test/1", "published_at": "2015-12-22T20:34:00+02:00"})
    (folder / "z-good.jsonl").write_bytes(record(3) + record(4))


def test_malformed_files_before_good_ones_are_each_reported_and_the_run_goes_on(tmp_path):
    malformed_folder(tmp_path)
    articles, rejected = split(read_paths([tmp_path]))
    origins = [Path(a.origin).name for a in articles]
    assert origins[:2] == ["a-deep.jsonl:1", "a-deep.jsonl:3"]
    truncated = [o for o in origins if o.startswith("b-truncated")]
    assert 10 < len(truncated) < 300  # what was decompressed before the cut is read
    assert origins[-3:] == ["z-good.jsonl:1", "z-good.jsonl:2", "z-good.txt"]
    reasons = {Path(r.path).name: (r.line, r.reason) for r in rejected}
    assert set(reasons) == {
        "a-deep.jsonl",
        "b-truncated.jsonl.gz",
        "c-not-gzip.jsonl.gz",
        "d-bomb.jsonl.gz",
        "e-url.txt",
        "f-date.txt",
        "f-huge-sidecar.txt",
        "g-cp1255.jsonl",
        "h-dangling.txt",
        "i-linked-folder",
        "j-poison.jsonl",
    }
    assert reasons["a-deep.jsonl"] == (2, "JSON nested too deeply to read")
    line, reason = reasons["b-truncated.jsonl.gz"]
    assert line == len(truncated) + 1 and "cannot read after line" in reason and "EOFError" in reason
    assert "Not a gzipped file" in reasons["c-not-gzip.jsonl.gz"][1]
    assert "compression bomb" in reasons["d-bomb.jsonl.gz"][1]
    assert reasons["e-url.txt"][1] == "sidecar e-url.json: url: 123 is not of type 'string'"
    assert reasons["f-date.txt"][1] == "sidecar f-date.json: published_at: 20160101 is not of type 'string'"
    assert (
        reasons["f-huge-sidecar.txt"][1]
        == "sidecar f-huge-sidecar.json is over 1,000,000 bytes: not metadata"
    )
    assert reasons["g-cp1255.jsonl"] == (1, "not UTF-8 (JSON Lines must be UTF-8)")
    assert "dangling link" in reasons["h-dangling.txt"][1]
    assert "not followed" in reasons["i-linked-folder"][1]
    assert "in the future" in reasons["j-poison.jsonl"][1]


def test_flask_ingest_reports_every_bad_file_and_exits_1_without_a_traceback(tmp_path):
    malformed_folder(tmp_path)
    runner = create_app(Settings(es_url="http://127.0.0.1:9", es_index="unused")).test_cli_runner()
    result = runner.invoke(args=["ingest", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "Aborted" not in result.output
    assert result.output.count("rejected ") >= 10
    assert '"url": "https://ynet.test/1"' in result.output  # the good page, read after all the bad files


def test_a_reader_of_json_lines_never_raises_on_a_failing_stream(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    whole = gzip.compress(record(1) + record(2) + bytes(1000))
    path.write_bytes(whole[:-30] + b"\xff" * 30)  # corrupt trailer: a zlib error or a CRC error
    items = list(iter_jsonl_lines(path))
    assert isinstance(items[-1], Rejection) and items[-1].reason.startswith("cannot read")
    assert [i[0] for i in items[:-1] if not isinstance(i, Rejection)] in ([], [1], [1, 2])


def reference_lines(data: bytes, limit: int) -> list:
    """What the bounded reader must yield, computed the naive way (whole file in memory)."""
    out: list = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        raw = line + b"\n" if number < len(lines) or data.endswith(b"\n") else line
        if len(raw) > limit:
            out.append(("rejected", number))
        elif raw.strip():
            out.append((number, raw))
    return out


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_the_bounded_line_reader_agrees_with_a_naive_split_at_any_chunk_size(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(sources, "READ_CHUNK", chunk)
    rng = random.Random(chunk)
    for trial in range(30):
        data = bytes(rng.choice(b"ab \n\n") for _ in range(rng.randrange(0, 80)))
        path = tmp_path / f"{trial}.jsonl"
        path.write_bytes(data)
        got = [
            ("rejected", i.line) if isinstance(i, Rejection) else i
            for i in iter_jsonl_lines(path, max_line_bytes=10)
        ]
        assert got == reference_lines(data, 10), data


# The peak is read from /proc/self/status (VmHWM, this process's own high-water mark): getrusage's
# ru_maxrss survives exec, so a child of a large pytest process would report its parent's size.
BOMB_SCRIPT = """
import re, sys
from service.ingest import sources
sources.MAX_GZIP_RATIO = 10**9  # measure the line reader alone, without the bomb cap
items = list(sources.read_paths([sys.argv[1]]))
print(len(items), items[0].reason)
with open("/proc/self/status") as f:
    print(re.search(r"VmHWM:\\s+(\\d+) kB", f.read()).group(1))
"""


def test_a_gzip_bomb_without_newlines_is_read_in_bounded_memory(tmp_path):
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=1) as f:
        for _ in range(16):
            f.write(bytes(16_000_000))  # 256 MB, one line: the old reader held it whole, twice
    done = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT, str(path)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    summary, peak_kb = done.stdout.splitlines()
    assert summary == "1 line is 256,000,000 bytes, over the 5,000,000 limit"
    assert int(peak_kb) < 200_000, f"peak RSS {int(peak_kb) // 1024} MB"


def _walk_as_nobody(folder: Path) -> list[tuple[str, str]]:
    """walk_paths as an unprivileged user, in a forked child (root reads any folder)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, walk, send the result, exit
        try:
            os.setgid(65534)
            os.setuid(65534)
            found = [(type(i).__name__, str(i)) for i in walk_paths([folder])]
            os.write(write, pickle.dumps(found))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


def test_an_unreadable_subfolder_is_a_rejection_and_the_rest_is_read():
    folder = Path(tempfile.mkdtemp(prefix="ingest-unreadable-"))
    try:
        folder.chmod(0o755)
        (folder / "a-locked").mkdir()
        (folder / "a-locked" / "hidden.jsonl").write_bytes(record(1))
        (folder / "b.jsonl").write_bytes(record(2))
        (folder / "b.jsonl").chmod(0o644)
        # walked here too, where it is readable: mutmut follows calls in this process only
        assert [str(i) for i in walk_paths([folder])] == [
            str(folder / "a-locked" / "hidden.jsonl"),
            str(folder / "b.jsonl"),
        ]
        (folder / "a-locked").chmod(0)
        if os.geteuid() == 0:
            found = _walk_as_nobody(folder)
        else:
            found = [(type(i).__name__, str(i)) for i in walk_paths([folder])]
        assert found == [
            ("Rejection", f"{folder / 'a-locked'}: cannot read folder: Permission denied"),
            ("PosixPath", str(folder / "b.jsonl")),
        ]
    finally:
        (folder / "a-locked").chmod(0o755)
        for path in sorted(folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        folder.rmdir()


def test_flask_index_stores_every_good_article_of_a_folder_of_malformed_files(
    es, es_url, make_alias, tmp_path
):
    """Finding 4 on the real node: `index` used to stop at the first malformed file and drop the
    articles it had buffered (52 of 100 parsed articles reached the node)."""
    (tmp_path / "a-first.jsonl").write_bytes(b"".join(record(n) for n in range(1000, 1050)))
    malformed_folder(tmp_path)
    (tmp_path / "zz-last.jsonl").write_bytes(b"".join(record(n) for n in range(2000, 2050)))
    expected = sum(isinstance(item, Article) for item in read_paths([tmp_path]))
    alias = make_alias()
    result = (
        create_app(Settings(es_url=es_url, es_index=alias))
        .test_cli_runner()
        .invoke(args=["index", str(tmp_path)])
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Aborted" not in result.output
    assert f"indexed {expected} articles ({expected} documents)" in result.stderr
    es.indices.refresh(index=alias)
    stored = es.count(index=alias)["count"]  # one document per article
    assert stored == expected > 100
