"""Faults on the reader's way to the data end in one message that says what to do, and leave no
half-extracted folder behind: no archive and no network, a damaged or partial archive, an
incomplete aclImdb/ folder, a cache that cannot be written. Each runs the chapter's own set-up
and data cells in a kernel, with a scratch KERAS_HOME."""

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from notebooks import ROOT, read

CHAPTER = ROOT / "chapters" / "en" / "02_lstm_gru_imdb.ipynb"
CACHE = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"
ARCHIVE = CACHE / "aclImdb_v1.tar.gz"  # where .ci/run puts the offline copy
needs_archive = pytest.mark.skipif(not ARCHIVE.exists(), reason=f"no {ARCHIVE} to damage")


def data_cell_error(keras_home, offline=False):
    """Runs the chapter's first cell and its data cell with KERAS_HOME=keras_home; returns the
    error the data cell stopped with (a test fails if it ran through)."""
    env = dict(os.environ, KERAS_HOME=str(keras_home))
    if offline:  # nothing listens on port 9: no network
        env.update({p: "http://127.0.0.1:9" for p in ("http_proxy", "https_proxy")})
        env.update({p: "http://127.0.0.1:9" for p in ("HTTP_PROXY", "HTTPS_PROXY")})
        env.pop("no_proxy", None), env.pop("NO_PROXY", None)
    cells = [c for c in read(CHAPTER).cells if c.cell_type == "code"]
    setup, data = cells[0], next(c for c in cells if "imdb_dir = imdb_folder()" in c.source)
    nb = nbformat.v4.new_notebook(cells=[setup, data], metadata=read(CHAPTER).metadata)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(keras_home)}}
    )
    with pytest.raises(CellExecutionError) as failure:
        client.execute(env=env)
    error = failure.value
    assert error.ename == "RuntimeError", f"{error.ename}: {error.evalue}"
    assert "Traceback" not in error.evalue
    return error.evalue


def left_in(cache):
    return sorted(p.name for p in cache.iterdir())


def test_missing_archive_and_no_network_give_one_clear_message(tmp_path):
    message = data_cell_error(tmp_path, offline=True)
    for words in (
        "Could not download aclImdb_v1.tar.gz",
        "~/.keras/datasets/",
        "$KERAS_HOME/datasets/",
        "https://ai.stanford.edu/~amaas/data/sentiment/",
        "run this cell again",
    ):
        assert words in message
    assert left_in(tmp_path / "datasets") == []


@needs_archive
def test_a_partial_archive_is_named_and_leaves_no_half_extracted_folder(tmp_path):
    cache = tmp_path / "datasets"
    cache.mkdir()
    data = ARCHIVE.read_bytes()
    (cache / ARCHIVE.name).write_bytes(data[: len(data) // 2])  # a download cut off half-way
    message = data_cell_error(tmp_path)
    for words in (
        f"{cache / ARCHIVE.name} is incomplete or damaged",
        "Delete it and run this cell again",
        "https://ai.stanford.edu/~amaas/data/sentiment/",
    ):
        assert words in message
    assert left_in(cache) == [ARCHIVE.name]  # the damaged file, nothing extracted


@needs_archive
def test_a_file_that_is_not_the_archive_is_named(tmp_path):
    cache = tmp_path / "datasets"
    cache.mkdir()
    (cache / ARCHIVE.name).write_text("<html>Service unavailable</html>")  # an error page
    assert f"{cache / ARCHIVE.name} is incomplete or damaged" in data_cell_error(tmp_path)
    assert left_in(cache) == [ARCHIVE.name]


@needs_archive
def test_an_incomplete_folder_is_never_used(tmp_path):
    cache = tmp_path / "datasets"
    cache.mkdir()
    positive = 0
    with tarfile.open(ARCHIVE) as tar:  # a folder some files of which were lost
        for member in tar:
            if member.name.startswith("aclImdb/train/pos/"):
                positive += 1
                if positive % 10 == 0:
                    continue  # a tenth of the positive training reviews
            tar.extract(member, cache, filter="data")
    message = data_cell_error(tmp_path)
    assert f"{cache / 'aclImdb'} is incomplete (train/neg: 12,500 of 12,500 reviews" in message
    assert "train/pos: 11,250 of 12,500 reviews" in message
    assert "Delete that folder and run this cell again" in message


def read_only(folder):
    """Makes folder unwritable, even for root (chattr +i) where chmod is not enough."""
    folder.chmod(0o555)
    probe = folder / "probe"
    try:
        probe.touch()
    except OSError:
        return lambda: folder.chmod(0o755)
    probe.unlink()
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", folder]).returncode:
        pytest.skip("cannot make a folder read-only here")
    return lambda: subprocess.run(["chattr", "-i", folder], check=True)


def test_a_cache_that_cannot_be_written_names_the_folder_and_the_way_out(tmp_path):
    cache = tmp_path / "datasets"
    cache.mkdir()
    undo = read_only(cache)
    try:
        message = data_cell_error(tmp_path)
    finally:
        undo()
    assert f"Cannot write to {cache}" in message
    assert "set KERAS_HOME to a folder you can write" in message
    assert left_in(cache) == []


@needs_archive
def test_a_full_disk_names_the_folder_and_the_way_out(tmp_path):
    disk = tmp_path / "disk"  # a file system with room for the archive and 1 MB more
    disk.mkdir()
    size = ARCHIVE.stat().st_size + 2**20
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        cache = disk / "datasets"
        cache.mkdir()
        shutil.copy(ARCHIVE, cache)
        message = data_cell_error(disk)
        assert f"Cannot write to {cache}" in message and "No space left on device" in message
        assert "set KERAS_HOME to a folder you can write" in message
        assert left_in(cache) == [ARCHIVE.name]  # the half-extracted reviews are gone
    finally:
        subprocess.run(["umount", str(disk)], check=True)
