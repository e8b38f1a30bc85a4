"""The one source of every function that more than one notebook defines.

Notebooks stay standalone (a reader opens one in Colab, with nothing else from this repository),
so each keeps its own copy of the functions it uses. This file is where they are edited:
`make share` (tools/share_code.py) writes each function below over its copies in the notebooks
of both languages, and tests/test_shared_code.py fails when a copy is not the current source.
A name the notebooks define in a string (chapter 06's worker script) is copied there as well.
The functions use the notebooks' imports and, a few of them, names a notebook defines before
calling them (`backend`, `tf`, `KINDS`, `task_data`, `TASK_EPOCHS`, `QUICK`, `max_diffs`; chapter 07's
`characters`, `index`, `OTHER`, `VOCAB`, `BATCH`, `LENGTH`, `UNITS`, `EPOCHS`, `x_train`, `y_train`,
`x_val`, `y_val`, `SEQ_UNITS`, `LETTERS`, `START`, `END`, `features`, `half`, `passage`).
"""

import errno
import os
import platform
import shutil
import tarfile
import tempfile
import time
import zlib

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

# ---- IMDB reviews: chapters 02, 05, 06 and solutions 02, 06


def imdb_folder():
    """The aclImdb/ folder in Keras' cache: downloaded once, extracted once, checked every time.

    A cache that cannot be written, a failed download, a damaged or partial archive and an
    incomplete folder each stop with one message that says what to do; no half-extracted
    folder is left behind.
    """
    url = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
    cache = os.path.join(os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras")), "datasets")
    folder, archive = os.path.join(cache, "aclImdb"), os.path.join(cache, "aclImdb_v1.tar.gz")
    get_a_copy = (
        "get the file from https://ai.stanford.edu/~amaas/data/sentiment/ (or copy it from a "
        "machine that has it in ~/.keras/datasets/), put it in ~/.keras/datasets/ or, if you set "
        "KERAS_HOME, in $KERAS_HOME/datasets/, and run this cell again."
    )
    cannot_write = (
        f"Cannot write to {cache} (the IMDB reviews need about 500 MB there): %s.\n"
        "Free some space, or set KERAS_HOME to a folder you can write (for example "
        "os.environ['KERAS_HOME'] = '/tmp/keras' in the first cell, before Keras is imported), "
        "restart the kernel and run the notebook again."
    )
    if os.path.isdir(folder):  # extracted by an earlier run: used only if complete
        problem = missing_reviews(folder)
        if problem is None:
            return folder
        raise RuntimeError(
            f"{folder} is incomplete ({problem}).\nDelete that folder and run this cell again: "
            f"it is extracted afresh from {archive}."
        )
    try:
        os.makedirs(cache, exist_ok=True)
        partial = tempfile.mkdtemp(prefix="aclImdb-", dir=cache)  # this run's own folder
    except OSError as error:
        raise RuntimeError(cannot_write % error.strerror) from None
    try:
        if not os.path.exists(archive):
            try:
                keras.utils.get_file("aclImdb_v1.tar.gz", url, cache_dir=os.path.dirname(cache))
            except Exception as error:  # no network, the data host is down, or the disk is full
                if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise RuntimeError(cannot_write % error.strerror) from None
                raise RuntimeError(
                    f"Could not download aclImdb_v1.tar.gz ({error}).\nTo go on, {get_a_copy}"
                ) from None
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(partial, filter="data")
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES):
                raise RuntimeError(cannot_write % error.strerror) from None
            problem = error  # gzip's BadGzipFile is an OSError without an errno
        except (EOFError, tarfile.TarError, zlib.error) as error:  # cut short, or not an archive
            problem = error
        else:
            problem = missing_reviews(os.path.join(partial, "aclImdb"))
        if problem is not None:
            raise RuntimeError(
                f"{archive} is incomplete or damaged ({problem}): an interrupted download or a "
                f"full disk leaves such a file.\nDelete it and run this cell again to download "
                f"it afresh, or {get_a_copy}"
            ) from None
        try:
            os.replace(os.path.join(partial, "aclImdb"), folder)
        except OSError:  # another notebook, run at the same time, extracted it first
            if not os.path.isdir(folder):
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def missing_reviews(folder):
    """None if folder holds the 12,500 reviews of each of train/neg, train/pos, test/neg and
    test/pos; otherwise what is missing, in words."""
    counts = {}
    for part in ("train/neg", "train/pos", "test/neg", "test/pos"):
        path = os.path.join(folder, part)
        counts[part] = len(os.listdir(path)) if os.path.isdir(path) else 0
    if all(n == 12_500 for n in counts.values()):
        return None
    return ", ".join(f"{part}: {n:,} of 12,500 reviews" for part, n in counts.items())


def read_reviews(folder, split):
    """Texts and labels (0 = negative, 1 = positive) of one split, in a fixed order."""
    texts, labels = [], []
    for label, name in enumerate(["neg", "pos"]):
        reviews = os.path.join(folder, split, name)
        for file_name in sorted(os.listdir(reviews)):
            with open(os.path.join(reviews, file_name), encoding="utf-8") as f:
                texts.append(f.read())
            labels.append(label)
    return texts, np.array(labels)


def token_ids(vectorize, texts, block=5000):
    """Each review's token ids (from the TextVectorization layer `vectorize`), at full length."""
    ids = []
    # TextVectorization pads each block to its longest review
    for start in range(0, len(texts), block):
        padded = keras.ops.convert_to_numpy(vectorize(texts[start : start + block]))
        ids += [row[row > 0] for row in padded]  # drop that padding: 0 is never a word
    return ids


def to_sequences(vectorize, texts):
    """Token ids, padded and truncated at the front to exactly 100 steps."""
    return keras.utils.pad_sequences(token_ids(vectorize, texts), maxlen=100)


def imdb_model(*recurrent_layers):
    """Chapter 2's architecture: Embedding(500, 16), the recurrent layer(s), Dense(1)."""
    return keras.Sequential(
        [
            keras.Input(shape=(100,)),
            keras.layers.Embedding(500, 16),
            *recurrent_layers,
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


# ---- timing: chapters 01, 02, 06 and solutions 01, 06


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of every epoch (validation included), in .seconds."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)

    def per_epoch(self):
        """Median epoch time, leaving out the first epoch (it includes graph tracing)."""
        return float(np.median(self.seconds[1:] or self.seconds))


def cpu_name():
    """The processor's name: from /proc/cpuinfo on Linux, platform.processor() elsewhere."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(
                line.split(":", 1)[1].strip() for line in f if line.startswith("model name")
            )
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


# ---- the noisy sine wave: chapter 01 and solutions 01


def make_windows(series, width):
    """Inputs (samples, width, 1), next-value targets, and the time step of each target."""
    target_steps = np.arange(width, len(series))
    x = np.stack([series[s - width : s] for s in target_steps])[..., np.newaxis]
    return x, series[target_steps], target_steps


def split(x, y, target_steps):
    """Chronological split by the target's time step: train < 1400 <= val < 1700 <= test."""
    parts = [
        target_steps < 1400,
        (target_steps >= 1400) & (target_steps < 1700),
        target_steps >= 1700,
    ]
    return [(x[p], y[p], target_steps[p]) for p in parts]


def lstm_params(units, features):
    """Four blocks (i, f, c, o), each with W (units x features), U (units x units), b (units)."""
    return 4 * (units * (units + features) + units)


def gru_params(units, features, reset_after=True):
    """Three blocks (z, r, h); reset_after=True gives each block a second, recurrent bias."""
    biases = 2 * units if reset_after else units
    return 3 * (units * (units + features) + biases)


def standard_error(prediction, target):
    """Standard error of an MSE: sd of the squared errors / sqrt(number of windows)."""
    squared = (np.asarray(prediction) - target) ** 2
    return float(np.std(squared, ddof=1) / np.sqrt(len(squared)))


# ---- cells from scratch: chapter 03 and solutions 03


def sequence_windows(values, length=50, stride=5):
    """Windows of `length` steps, (batch, length, 1), and the next value after every step."""
    starts = range(0, len(values) - length, stride)
    x = np.stack([values[s : s + length] for s in starts])
    y = np.stack([values[s + 1 : s + length + 1] for s in starts])
    return x[:, :, None], y[:, :, None]


def sine_model(recurrent_layer):
    """50 steps x 1 feature -> a recurrent layer -> the next value, after every step."""
    return keras.Sequential([keras.Input(shape=(50, 1)), recurrent_layer, keras.layers.Dense(1)])


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_forward(x, kernel, recurrent_kernel, bias):
    """One LSTM layer in NumPy. x: (batch, steps, features).

    Returns every h_t (batch, steps, units), the final h and c, and the gate values per step.
    """
    x, kernel, recurrent_kernel, bias = (
        np.asarray(a, dtype=np.float64) for a in (x, kernel, recurrent_kernel, bias)
    )
    batch, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    # Keras' column blocks, in this order: i, f, c, o
    W_i, W_f, W_c, W_o = np.split(kernel, 4, axis=1)  # each (features, units)
    U_i, U_f, U_c, U_o = np.split(recurrent_kernel, 4, axis=1)  # each (units, units)
    b_i, b_f, b_c, b_o = np.split(bias, 4)  # each (units,)

    h = np.zeros((batch, units))
    c = np.zeros((batch, units))
    trace = {name: [] for name in ("f", "i", "o", "c", "h")}
    for t in range(steps):
        x_t = x[:, t, :]
        f = sigmoid(x_t @ W_f + h @ U_f + b_f)  # forget gate
        i = sigmoid(x_t @ W_i + h @ U_i + b_i)  # input gate
        c_tilde = np.tanh(x_t @ W_c + h @ U_c + b_c)  # candidate cell state
        o = sigmoid(x_t @ W_o + h @ U_o + b_o)  # output gate
        c = f * c + i * c_tilde
        h = o * np.tanh(c)
        for name, value in zip(("f", "i", "o", "c", "h"), (f, i, o, c, h), strict=True):
            trace[name].append(value)
    trace = {name: np.stack(values, axis=1) for name, values in trace.items()}
    return trace["h"], h, c, trace


def gru_forward(x, kernel, recurrent_kernel, bias, reset_after=True):
    """One GRU layer in NumPy. x: (batch, steps, features).

    Returns every h_t (batch, steps, units), the final h and the gate values per step.
    """
    x, kernel, recurrent_kernel, bias = (
        np.asarray(a, dtype=np.float64) for a in (x, kernel, recurrent_kernel, bias)
    )
    batch, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    # Keras' column blocks, in this order: z, r, h
    W_z, W_r, W_h = np.split(kernel, 3, axis=1)
    U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=1)
    if reset_after:  # bias (2, 3u): row 0 goes with the input, row 1 with h_{t-1}
        input_bias, recurrent_bias = bias  # a (2, 3u) array unpacks into its two rows
    else:  # bias (3u,): one bias per gate
        input_bias, recurrent_bias = bias, np.zeros_like(bias)
    # bx_*: row 0, added to x_t @ kernel; bh_*: row 1, added to h @ recurrent_kernel
    bx_z, bx_r, bx_h = np.split(input_bias, 3)
    bh_z, bh_r, bh_h = np.split(recurrent_bias, 3)  # bh_h is b'_h of chapter 2

    h = np.zeros((batch, units))
    trace = {name: [] for name in ("z", "r", "h")}
    for t in range(steps):
        x_t = x[:, t, :]
        z = sigmoid(x_t @ W_z + bx_z + h @ U_z + bh_z)  # update gate
        r = sigmoid(x_t @ W_r + bx_r + h @ U_r + bh_r)  # reset gate
        if reset_after:
            h_tilde = np.tanh(x_t @ W_h + bx_h + r * (h @ U_h + bh_h))
        else:
            h_tilde = np.tanh(x_t @ W_h + (r * h) @ U_h + bx_h)
        h = z * h + (1 - z) * h_tilde
        for name, value in zip(("z", "r", "h"), (z, r, h), strict=True):
            trace[name].append(value)
    trace = {name: np.stack(values, axis=1) for name, values in trace.items()}
    return trace["h"], h, trace


def compare(name, ours, theirs, atol=1e-5):
    """Print whether two arrays agree within atol (no relative tolerance)."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    ok = ours.shape == theirs.shape and np.allclose(ours, theirs, rtol=0, atol=atol)
    max_diffs[name] = float(np.max(np.abs(ours - theirs)))
    print(
        f"{name:<30} {str(ours.shape):<12} match: {ok} (max abs diff {'<' if ok else '>='} {atol:g})"
    )


# ---- gradients through time: chapter 05 and solutions 05


def gradient(fn, x):
    """Gradient of the scalar fn(x) with respect to x, an array or a list of arrays.

    Keras 3 has no backend-neutral reverse-mode gradient function (keras.ops.jvp is
    forward mode), so this is the one place where the notebook asks the backend itself.
    """
    if backend == "tensorflow":
        x = keras.tree.map_structure(tf.convert_to_tensor, x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = fn(x)
        grads = tape.gradient(value, x)
    elif backend == "jax":
        import jax

        grads = jax.grad(fn)(x)
    else:
        raise NotImplementedError(f"add the gradient function of the {backend} backend here")
    return keras.tree.map_structure(keras.ops.convert_to_numpy, grads)


def recurrent_inputs(model, inputs):
    """What the recurrent layer of a model receives: the output of the layers before it."""
    x = inputs
    for layer in model.layers[:-2]:  # Embedding for IMDB; nothing for the synthetic task
        x = layer(x)
    return keras.ops.convert_to_numpy(x).astype("float32")


def input_gradient_norms(model, inputs, targets, of="loss"):
    """|dL/dx_t| (or, with of="logit", |d logit/dx_t|) for every sequence and step: (batch, steps)."""
    recurrent, dense = model.layers[-2:]

    def scalar(x):
        logits = (keras.ops.matmul(recurrent(x), dense.kernel) + dense.bias)[:, 0]
        if of == "logit":  # each logit depends on its own sequence only
            return keras.ops.sum(logits)
        # binary cross-entropy from the Dense layer's logit, as Keras computes it
        return keras.ops.mean(keras.ops.binary_crossentropy(targets, logits, from_logits=True))

    grads = gradient(scalar, recurrent_inputs(model, inputs))  # (batch, steps, features)
    # float64: tiny squares would underflow in float32
    return np.linalg.norm(grads.astype("float64"), axis=-1)


def per_step_factor(distance, norms):
    """exp(slope) of a straight line fitted to log(norm) against the distance from the end."""
    keep = norms > 0  # float32 underflows to 0 far back
    return float(np.exp(np.polyfit(distance[keep], np.log(norms[keep]), 1)[0]))


def gate_values(layer, x):
    """What scales the gradient at each step: f_t (LSTM), z_t (GRU) or tanh' (SimpleRNN), (batch, steps, units)."""
    kernel, recurrent_kernel, bias = layer.get_weights()
    u = recurrent_kernel.shape[0]
    every_step = keras.layers.RNN(layer.cell, return_sequences=True)  # the same cell and weights
    h = keras.ops.convert_to_numpy(every_step(x))  # every h_t
    h_prev = np.concatenate([np.zeros_like(h[:, :1]), h[:, :-1]], axis=1)  # every h_(t-1)
    if isinstance(layer, keras.layers.LSTM):  # blocks i, f, c, o
        return sigmoid(
            x @ kernel[:, u : 2 * u] + h_prev @ recurrent_kernel[:, u : 2 * u] + bias[u : 2 * u]
        )
    if isinstance(layer, keras.layers.GRU):  # blocks z, r, h; bias rows: input, recurrent
        return sigmoid(
            x @ kernel[:, :u] + bias[0, :u] + h_prev @ recurrent_kernel[:, :u] + bias[1, :u]
        )
    return 1 - h**2


def gate_summary(layer, x):
    """The quantity that scales the gradient at each step, averaged over sequences and steps."""
    values = gate_values(layer, x)
    if isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
        name = "f_t" if isinstance(layer, keras.layers.LSTM) else "z_t"
        return f"{name}: mean {values.mean():.2f}, top unit {values.mean(axis=(0, 1)).max():.2f}"
    return f"tanh': mean {values.mean():.2f}, |U| {np.linalg.norm(layer.get_weights()[1], 2):.2f}"


def ratio_table(curves, summaries):
    """Gradient norm at a few distances from the end, relative to the end, and the per-step factor."""
    rows = []
    for (kind, stage), (distance, norms) in curves.items():
        row = {"cell": kind, "stage": stage}
        for d in (10, len(norms) // 2 * (distance[1] - distance[0]), distance[-1]):
            row[f"{d} back"] = norms[np.searchsorted(distance, d)] / norms[0]
        row["per-step factor"] = per_step_factor(distance, norms)
        row["what sets it"] = summaries[kind, stage]
        rows.append(row)
    return pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:.2g}")


def make_task(n, steps, rng):
    """n sequences of `steps` time steps, 2 features: (value, marker), and their labels.

    The value is Gaussian noise except at one random marked step, where it is +1 or -1;
    the marker is 1 at that step and 0 elsewhere. The label is 1 when the marked value is +1.
    """
    labels = rng.integers(0, 2, n)
    x = np.zeros((n, steps, 2), dtype="float32")
    x[:, :, 0] = rng.normal(size=(n, steps))
    marked = rng.integers(0, steps, n)  # anywhere in the sequence
    x[np.arange(n), marked, 0] = 2 * labels - 1
    x[np.arange(n), marked, 1] = 1
    return x, labels.astype("float32")


def task_model(kind, steps, units=8, **layer_options):
    """(steps, 2) -> a recurrent layer (8 units unless told) -> the probability that the marked
    value is +1."""
    return keras.Sequential(
        [
            keras.Input(shape=(steps, 2)),
            KINDS[kind](units, **layer_options),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


class StopWhenSolved(keras.callbacks.Callback):
    """Stops training once the validation accuracy reaches 0.99."""

    def on_epoch_end(self, epoch, logs=None):
        if logs["val_accuracy"] >= 0.99:
            self.model.stop_training = True


def train_on_task(model, steps, clipnorm=1.0):
    """Adam with learning rate 0.01, batches of 64, at most TASK_EPOCHS epochs; returns the history."""
    (x_train, y_train), validation = task_data[steps]
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01, clipnorm=clipnorm),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model.fit(
        x_train,
        y_train,
        epochs=TASK_EPOCHS,
        batch_size=64,
        validation_data=validation,
        callbacks=[StopWhenSolved()],
        verbose=0,
    )


def run_task(kind, steps, seed, weights=None, clipnorm=1.0, **layer_options):
    """One run: the seed fixes the initial weights (unless `weights` replaces them) and the batch order."""
    keras.utils.set_random_seed(seed)
    model = task_model(kind, steps, **layer_options)
    if weights is not None:
        model.set_weights(weights)
    initial = model.get_weights()
    start = time.perf_counter()
    history = train_on_task(model, steps, clipnorm)
    accuracy = history.history["val_accuracy"]
    return {
        "cell": kind,
        "steps": steps,
        "seed": seed,
        "model": model,
        "initial": initial,
        "history": history,
        "best val accuracy": max(accuracy),
        "solved": max(accuracy) >= 0.99,
        "epochs": len(accuracy),
        "seconds": time.perf_counter() - start,
    }


def task_seeds(steps):
    """Seeds per length: 5, and 2 at 200 steps (the time budget); 1 in quick mode."""
    return range(1) if QUICK else range(2 if steps >= 200 else 5)


def marked_step_profile(model, x, y, band=10):
    """Median |d logit/dx| at the marked step, per band of 10 distances from the end (0-9, 10-19, ...)."""
    norms = input_gradient_norms(model, x, y, of="logit")
    marked = x[:, :, 1].argmax(axis=1)
    distance = x.shape[1] - 1 - marked
    at_marked = norms[np.arange(len(x)), marked]
    bands = np.arange(0, x.shape[1], band)
    profile = np.array(
        [np.median(at_marked[(distance >= b) & (distance < b + band)]) for b in bands]
    )
    near = (np.arange(x.shape[1])[::-1] < band) & (x[:, :, 1] == 0)  # unmarked steps, last 10
    noise = np.median(norms[near]) / profile[0]
    return (bands, profile), noise


# ---- the character model and the encoder-decoder: chapter 07 and solutions 07


def encode(text):
    return np.array([index.get(char, 0) for char in text], dtype="int32")


def decode(ids):
    return "".join(characters[i - 1] if 0 < i <= len(characters) else OTHER for i in ids)


def streams(ids, batch=BATCH, length=LENGTH):
    """Cut ids into `batch` long streams and each stream into chunks of `length`.

    Row k * batch + i of x is chunk k of stream i, so batch k holds chunk k of every stream
    and the next batch goes on where this one ended. y is x shifted by one character.
    """
    chunks = (len(ids) - 1) // (batch * length)
    n = batch * chunks * length
    x = ids[:n].reshape(batch, chunks, length).transpose(1, 0, 2).reshape(-1, length)
    y = ids[1 : n + 1].reshape(batch, chunks, length).transpose(1, 0, 2).reshape(-1, length)
    return x, y


def char_model(batch_size, stateful, kind="LSTM", units=UNITS):
    """Characters in, one logit per possible next character out, at every step."""
    return keras.Sequential(
        [
            keras.Input(batch_shape=(batch_size, None), dtype="int32"),
            keras.layers.Embedding(VOCAB, 32),
            getattr(keras.layers, kind)(units, return_sequences=True, stateful=stateful),
            keras.layers.Dense(VOCAB),  # logits: the softmax is in the loss
        ]
    )


def train_char_model(model, epochs=EPOCHS):
    """Train on the streams in order, one epoch at a time; bits per character after each."""
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3, global_clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=True,
    )
    curve = []
    for epoch in range(epochs):
        if model.layers[1].stateful:
            model.layers[1].reset_states()  # every stream starts again from its beginning
        history = model.fit(x_train, y_train, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
        train_bits = history.history["loss"][0] / np.log(2)
        validation_bits = char_bits(model, x_val, y_val, carry=True).mean()
        curve.append((train_bits, validation_bits))
        print(
            f"epoch {epoch + 1}: training {train_bits:.3f}, validation {validation_bits:.3f} bits per character"
        )
    return np.array(curve)


def char_bits(trained, x, y, carry):
    """Bits spent on every character of the streams x -> y, shape (chunks, length).

    carry=True: a stateful copy of the model carries the state from each chunk to the next
    chunk of the same stream, so x and y must be laid out by streams() with batch=BATCH;
    carry=False: every chunk starts from a zero state.
    """
    copy = char_model(
        BATCH, stateful=carry, kind=type(trained.layers[1]).__name__, units=trained.layers[1].units
    )
    copy.set_weights(trained.get_weights())
    logits = copy.predict(x, batch_size=BATCH, verbose=0).astype("float64")
    logits -= logits.max(axis=-1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    return -np.take_along_axis(log_p, y[..., None], axis=-1)[..., 0] / np.log(2)


def sample(logits, temperature, rng):
    """One character id drawn from softmax(logits / temperature)."""
    z = np.asarray(logits, dtype="float64") / temperature
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))


def write_stateful(trained, prompt, n, temperature, seed=0):
    """The same with a stateful copy: the layer keeps its state between calls itself."""
    layer = trained.layers[1]  # the recurrent layer (the Input is not in model.layers)
    stateful = char_model(1, stateful=True, kind=type(layer).__name__, units=layer.units)
    rng = np.random.default_rng(seed)
    stateful.set_weights(trained.get_weights())
    stateful.layers[1].reset_states()  # a new text starts from a zero state
    ids, written = encode(prompt)[None], []
    for _ in range(n):
        logits = stateful.predict_on_batch(ids)
        written.append(sample(logits[0, -1], temperature, rng))
        ids = np.array([[written[-1]]], dtype="int32")
    return prompt + decode(written)


def text_features(text):
    """Things a reader can name, for every character: the value after reading it."""
    features = collections.defaultdict(list)
    quotes = depth = letters_in_word = since_stop = 0
    for position, char in enumerate(text):
        if text.startswith("\n\n", position):  # a new review starts after the empty line
            quotes = depth = 0
        quotes ^= char == '"'  # each double quote switches between outside (0) and inside (1)
        depth = max(depth + (char == "(") - (char == ")"), 0)
        letters_in_word = letters_in_word + 1 if char.isalpha() else 0  # "didn't": two words
        since_stop = 0 if char in ".!?\n" else since_stop + 1
        features["inside quotes"].append(quotes)
        features["inside parentheses"].append(depth > 0)
        features["letters into the word"].append(letters_in_word)
        features["characters into the sentence"].append(since_stop)
        features["is a space"].append(char == " ")
        features["is a capital letter"].append(char.isupper())
    return {name: np.array(values, dtype="float64") for name, values in features.items()}


def correlations(cells, values, part):
    """Correlation of every unit's cell state (cells: characters x units) with values, over
    the characters of part."""
    z_cells = (cells[part] - cells[part].mean(axis=0)) / (cells[part].std(axis=0) + 1e-12)
    z = (values[part] - values[part].mean()) / (values[part].std() + 1e-12)
    return z_cells.T @ z / len(z)


def window_around(feature, size=432):
    """A stretch of the passage's second half where the feature switches on, with text before it."""
    onsets = np.flatnonzero(np.diff(features[feature][half:]) > 0) + half
    onset = int(onsets[0]) if len(onsets) else half
    start = max(half, min(onset - 72, len(passage) - size))
    return slice(start, start + size)


def show_unit(text, values, title, width=72):
    """The text, one box per character, coloured by values: red above their median, blue below."""
    values = values - np.median(values)
    limit = np.percentile(np.abs(values), 98) or 1.0
    rows = (len(text) + width - 1) // width
    fig, ax = plt.subplots(figsize=(width * 0.125, rows * 0.26 + 0.4))
    for i, char in enumerate(text):
        row, column = divmod(i, width)
        color = plt.cm.coolwarm(0.5 + 0.5 * np.clip(values[i] / limit, -1, 1))
        ax.add_patch(Rectangle((column, -row - 1), 1, 1, color=color, linewidth=0))
        shown = "\N{DOWNWARDS ARROW WITH CORNER LEFTWARDS}" if char == "\n" else char
        ax.text(
            column + 0.5,
            -row - 0.5,
            shown,
            ha="center",
            va="center",
            family="monospace",
            fontsize=9,
        )
    ax.set_xlim(0, width)
    ax.set_ylim(-rows, 0)
    ax.axis("off")
    ax.set_title(title, fontsize=10, loc="left")
    plt.show()


def reversal_task(n, rng, shortest=SHORTEST, longest=LONGEST):
    """Random strings of letters and their reversals, as padded id arrays.

    Returns encoder input, decoder input (START + reversal) and decoder target (reversal + END).
    """
    lengths = rng.integers(shortest, longest + 1, size=n)
    source = np.zeros((n, longest), dtype="int32")
    decoder_in = np.zeros((n, longest + 1), dtype="int32")
    target = np.zeros((n, longest + 1), dtype="int32")
    for row, length in enumerate(lengths):
        letters = rng.integers(1, 27, size=length)
        source[row, :length] = letters
        decoder_in[row, : length + 1] = [START, *letters[::-1]]
        target[row, : length + 1] = [*letters[::-1], END]
    return source, decoder_in, target


def spell(ids):
    """The letters of ids, up to the first END."""
    letters = []
    for i in ids:
        if i == END:
            break
        if 0 < i < START:
            letters.append(LETTERS[i - 1])
    return "".join(letters)


def reversal_model(units=SEQ_UNITS):
    """The encoder-decoder for training, and the encoder and one decoder step for writing."""
    embed_source = keras.layers.Embedding(29, 32, mask_zero=True)
    encoder_lstm = keras.layers.LSTM(units, return_state=True)
    embed_target = keras.layers.Embedding(29, 32, mask_zero=True)
    decoder_lstm = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    to_letters = keras.layers.Dense(29)

    source_in = keras.Input(shape=(None,), dtype="int32")
    _, h, c = encoder_lstm(embed_source(source_in))  # the whole string, summed up in (h, c)
    target_in = keras.Input(shape=(None,), dtype="int32")
    outputs, _, _ = decoder_lstm(embed_target(target_in), initial_state=[h, c])
    training = keras.Model([source_in, target_in], to_letters(outputs))

    # the encoder is the front of the training graph; the decoder step calls the same layer
    # objects again: the same weights, nothing to copy
    encoder = keras.Model(source_in, [h, c])
    h_in, c_in = keras.Input(shape=(units,)), keras.Input(shape=(units,))
    step, h_out, c_out = decoder_lstm(embed_target(target_in), initial_state=[h_in, c_in])
    decoder = keras.Model([target_in, h_in, c_in], [to_letters(step), h_out, c_out])
    return training, encoder, decoder


def reverse(encoder, decoder, source):
    """Greedy decoding: feed each predicted letter back in, for as many steps as the longest
    string needs (spell() reads the letters up to the first END)."""
    h, c = encoder.predict_on_batch(source)
    letter = np.full((len(source), 1), START, dtype="int32")
    written = []
    for _ in range(source.shape[1] + 1):
        logits, h, c = decoder.predict_on_batch([letter, h, c])
        letter = logits[:, -1].argmax(axis=-1)[:, None].astype("int32")
        written.append(letter[:, 0])
    return np.stack(written, axis=1)
