"""Without the archive and without a network, the data cell says what to do, not a urllib trace."""

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from notebooks import ROOT, notebooks, read

CHAPTER = ROOT / "chapters" / "en" / "02_lstm_gru_imdb.ipynb"
LOADER = re.compile(r"^def imdb_folder\(\):\n(?:    .*\n|\n)*", re.M)


def loader_source(path):
    return "".join(
        LOADER.findall("\n\n".join(c.source for c in read(path).cells if c.cell_type == "code"))
    )


def test_every_notebook_loads_imdb_with_the_same_function():
    users = [p for p in notebooks() if "aclImdb_v1.tar.gz" in p.read_text(encoding="utf-8")]
    assert CHAPTER in users
    for path in users:
        assert loader_source(path) == loader_source(CHAPTER), (
            f"{path.relative_to(ROOT)}: another IMDB loader"
        )


def test_missing_archive_and_no_network_give_one_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # an empty Keras cache
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(proxy, "http://127.0.0.1:9")  # nothing listens there: no network
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    cells = [c for c in read(CHAPTER).cells if c.cell_type == "code"]
    setup, data = cells[0], next(c for c in cells if "imdb_dir = imdb_folder()" in c.source)
    nb = nbformat.v4.new_notebook(cells=[setup, data], metadata=read(CHAPTER).metadata)
    with pytest.raises(CellExecutionError) as failure:
        NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
        ).execute()
    error = failure.value
    assert error.ename == "RuntimeError", f"{error.ename}: {error.evalue}"
    for words in (
        "aclImdb_v1.tar.gz",
        "~/.keras/datasets/",
        "$KERAS_HOME/datasets/",
        "https://ai.stanford.edu/~amaas/data/sentiment/",
        "run this cell again",
    ):
        assert words in error.evalue
    assert "Traceback" not in error.evalue
