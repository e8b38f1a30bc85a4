"""The sources' bugs cannot come back: the code of every notebook is parsed, not grepped.

Only cells tagged `demo-bug`, in the errata chapter, may reproduce a bug on purpose.
"""

import ast
import re

import pytest
from notebooks import ROOT, notebooks, read

ERRATA = "04_source_fixes.ipynb"


def live_code(path):
    """The notebook's code as one module, without the cells that demonstrate a bug."""
    cells = [c for c in read(path).cells if c.cell_type == "code"]
    for c in cells:
        if "demo-bug" in c.metadata.get("tags", []):
            assert path.name == ERRATA, (
                f"cell tagged demo-bug outside the errata chapter:\n{c.source}"
            )
    return "\n\n".join(c.source for c in cells if "demo-bug" not in c.metadata.get("tags", []))


def calls(tree, name):
    """Calls of a function or method called `name`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr == name) or (
                isinstance(func, ast.Name) and func.id == name
            ):
                yield node


NOTEBOOKS = notebooks()
ids = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_patience_minus_three(path):
    assert not re.search(r"patience\s*-\s*3", live_code(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_early_stopping_has_patience_three(path):
    for call in calls(ast.parse(live_code(path)), "EarlyStopping"):
        assert not call.args, f"line {call.lineno}: EarlyStopping takes keyword arguments only here"
        patience = [k.value for k in call.keywords if k.arg == "patience"]
        assert patience and isinstance(patience[0], ast.Constant) and patience[0].value == 3, (
            f"line {call.lineno}: EarlyStopping without patience=3"
        )


def bound_names(tree):
    """Names bound before each line: assignments, loop targets, imports, function parameters."""
    bound = []
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.With, ast.comprehension)
        ):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [
                    getattr(node, "target", None) or item.optional_vars
                    for item in getattr(node, "items", [])
                ]
            )
            for target in targets:
                for name in ast.walk(target) if target is not None else []:
                    if isinstance(name, ast.Name):
                        bound.append((name.id, getattr(node, "lineno", 0)))
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)):
            for arg in node.args.args + node.args.kwonlyargs:
                bound.append((arg.arg, node.lineno))
    return bound


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_models_are_compiled_and_fitted_under_the_name_they_were_built_with(path):
    tree = ast.parse(live_code(path))
    bound = bound_names(tree)
    for method in ("compile", "fit"):
        for call in calls(tree, method):
            target = call.func.value if isinstance(call.func, ast.Attribute) else None
            if isinstance(target, ast.Name):
                earlier = {name for name, line in bound if line <= call.lineno}
                assert target.id in earlier, (
                    f"line {call.lineno}: {target.id}.{method}() but no {target.id} was built before it"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_input_length_argument(path):
    for call in calls(ast.parse(live_code(path)), "Embedding"):
        assert "input_length" not in [k.arg for k in call.keywords], (
            f"line {call.lineno}: input_length="
        )
    assert "input_length=" not in live_code(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_h5_paths(path):
    for node in ast.walk(ast.parse(live_code(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            # whole models are saved as .keras; .weights.h5 is Keras 3's name for weights alone
            assert not node.value.endswith(".h5") or node.value.endswith(".weights.h5"), (
                f"line {node.lineno}: {node.value!r} (use .keras)"
            )


def test_the_checks_catch_the_sources_bugs(tmp_path, monkeypatch):
    """The parser-based checks fail on the source's own lines, so they can fail at all."""
    import nbformat

    source = (
        "model12 = keras.Sequential()\n"
        "model12.add(keras.layers.Embedding(500, 16, input_length=100))\n"
        "model2.compile(optimizer='rmsprop')\n"
        "cb = keras.callbacks.ModelCheckpoint('best-dropout-model.h5')\n"
        "es = keras.callbacks.EarlyStopping(patience-3, restore_best_weights=True)\n"
    )
    path = tmp_path / "bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), path)
    for check in (
        test_no_patience_minus_three,
        test_every_early_stopping_has_patience_three,
        test_models_are_compiled_and_fitted_under_the_name_they_were_built_with,
        test_no_input_length_argument,
        test_no_h5_paths,
    ):
        with pytest.raises(AssertionError):
            check(path)
