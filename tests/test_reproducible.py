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
    import execute  # tools/execute.py, the same runner as `make execute`

    nb = execute.execute(read(NOTEBOOK), quick=True)
    outputs, rules = [], sanitizers()
    for cell in nb.cells:
        if cell.cell_type == "code":
            for output in cell.outputs:
                text = output.get("text") or str(output.get("data", ""))
                for pattern, replacement in rules:
                    text = pattern.sub(replacement, text)
                outputs.append((output.output_type, text))
    return outputs


def test_two_quick_runs_give_identical_outputs():
    first, second = run_once(), run_once()
    assert len(first) == len(second)
    for a, b in zip(first, second):
        assert a == b
