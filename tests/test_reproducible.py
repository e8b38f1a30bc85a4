"""Running a chapter twice on the same machine gives the same outputs and training histories."""
import configparser
import re

from notebooks import ROOT, read

NOTEBOOK = ROOT / "chapters" / "en" / "01_keras_layers.ipynb"


def sanitizers():
    """The regexes nbval uses (tests/sanitize.cfg): timings and addresses may differ."""
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "sanitize.cfg")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def run_once():
    """Each code cell's sanitized outputs: its stdout and stderr text (however the kernel happened
    to split them into messages, which depends on timing) and its other outputs."""
    import execute  # tools/execute.py, the same runner as `make execute`

    nb = execute.execute(read(NOTEBOOK), quick=True)
    cells, rules = [], sanitizers()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        streams, others = {"stdout": "", "stderr": ""}, []
        for output in cell.outputs:
            if output.output_type == "stream":
                streams[output.name] += output.text
            else:
                others.append((output.output_type, str(output.get("data", output.get("evalue", "")))))
        texts = [("stdout", streams["stdout"]), ("stderr", streams["stderr"])] + others
        for pattern, replacement in rules:
            texts = [(kind, pattern.sub(replacement, text)) for kind, text in texts]
        cells.append((index, texts))
    return cells


def test_two_quick_runs_give_identical_outputs():
    first, second = run_once(), run_once()
    for (index, a), (_, b) in zip(first, second):
        assert a == b, f"cell {index} printed something else the second time"
    assert len(first) == len(second)
