"""Running a chapter twice on the same machine gives the same outputs and training histories;
chapter 02's XLA-compiled training gives the same weights twice."""

import ast
import os
import subprocess
import sys

from notebooks import ROOT, read, sanitizers

NOTEBOOK = ROOT / "chapters" / "en" / "01_keras_layers.ipynb"


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
                others.append(
                    (output.output_type, str(output.get("data", output.get("evalue", ""))))
                )
        texts = [("stdout", streams["stdout"]), ("stderr", streams["stderr"])] + others
        for pattern, replacement in rules:
            texts = [(kind, pattern.sub(replacement, text)) for kind, text in texts]
        cells.append((index, texts))
    return cells


def test_two_quick_runs_give_identical_outputs():
    first, second = run_once(), run_once()
    for (index, a), (_, b) in zip(first, second, strict=True):
        assert a == b, f"cell {index} printed something else the second time"
    assert len(first) == len(second)


# Chapter 02 trains with XLA (jit_compile=True), which Keras refuses while TensorFlow's op
# determinism is on; its reproducibility rests on XLA's compiled program instead. The data are
# random token ids: what is tested is that the same program gives the same bits, not a result.
TRAIN_TWICE = """
import hashlib, os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as in the chapters
import numpy as np, keras
keras.utils.set_random_seed(42)
ids = np.random.default_rng(0).integers(0, 500, size=(2048, 100))
labels = np.random.default_rng(1).integers(0, 2, size=2048)
model = keras.Sequential([keras.Input(shape=(100,)), keras.layers.Embedding(500, 16),
                          keras.layers.LSTM(8, dropout=0.3), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-4), loss="binary_crossentropy",
              metrics=["accuracy"], steps_per_execution=32, jit_compile=True)
model.fit(ids, labels, epochs=1, batch_size=64, verbose=0)  # 32 updates, one call of the train function
weights = b"".join(np.asarray(w).tobytes() for w in model.get_weights())
print(model.jit_compile, hashlib.sha256(weights).hexdigest())
"""


def test_chapter_2_compiles_with_xla_and_without_op_determinism():
    code = "\n".join(
        c.source
        for c in read(ROOT / "chapters" / "en" / "02_lstm_gru_imdb.ipynb").cells
        if c.cell_type == "code"
    )
    compiles = [
        node
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "compile"
    ]
    assert compiles
    for call in compiles:
        options = {k.arg: k.value for k in call.keywords}
        assert isinstance(options.get("jit_compile"), ast.Constant), ast.unparse(call)
        assert options["jit_compile"].value is True, f"compiled without XLA: {ast.unparse(call)}"
    assert "enable_op_determinism" not in code


def test_xla_training_gives_identical_weights_twice():
    runs = [
        subprocess.run(
            [sys.executable, "-c", TRAIN_TWICE],
            capture_output=True,
            text=True,
            env=dict(os.environ, KERAS_BACKEND="tensorflow"),
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]
    first, second = (run.stdout.split()[-2:] for run in runs)
    assert first[0] == "True", "Keras did not compile the training step with XLA"
    assert first == second, "two runs of the same XLA training ended with different weights"
