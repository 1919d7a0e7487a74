"""Shared helpers for the PyTorch peer benchmarks.

The peer scripts in this directory are the reference PyTorch implementations
that Bottleneck's (DJL + libtorch) benchmarks are compared against. This module
holds the pieces they share:

* an IDX / IDX.gz reader (Fashion-MNIST / MNIST format) built on numpy only,
* the common command-line flags (--threads, --seed, --epochs, --limit, --data-dir),
* thread and seed setup,
* a monotonic timer,
* result printing: exactly one JSON object on the LAST line of stdout, with all
  human-readable progress going to stderr, so callers can do
  ``python3 script.py ... | tail -n 1 | jq``.

Run with Debian's interpreter (``/usr/bin/python3``), which has python3-torch.
"""

import argparse
import gzip
import json
import os
import random
import struct
import sys
import time

import numpy as np
import torch

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"

# IDX type codes -> numpy dtypes (big-endian, as the format specifies).
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


# --------------------------------------------------------------------------- #
# Data loading
# --------------------------------------------------------------------------- #
def read_idx(path):
    """Read an IDX file (optionally gzip-compressed) into a numpy array.

    Header: two zero bytes, one type-code byte, one byte with the number of
    dimensions, then one big-endian uint32 per dimension, then the data.
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    zero, type_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or type_code not in _IDX_DTYPES:
        raise ValueError(f"{path}: not an IDX file (magic {raw[:4].hex()})")
    shape = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    dtype = _IDX_DTYPES[type_code]
    data = np.frombuffer(raw, dtype=dtype, offset=4 + 4 * ndim)
    expected = int(np.prod(shape))
    if data.size != expected:
        raise ValueError(f"{path}: expected {expected} items, found {data.size}")
    return data.reshape(shape)


def _find(data_dir, stem):
    """Return the path of ``stem`` in ``data_dir``, preferring the .gz file."""
    for name in (stem + ".gz", stem):
        p = os.path.join(data_dir, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"{stem}[.gz] not found in {data_dir}")


def load_images(data_dir, split):
    """Load ``split`` ('train' or 't10k') images as float32 in [0, 1], shape (N, 28, 28)."""
    arr = read_idx(_find(data_dir, f"{split}-images-idx3-ubyte"))
    return arr.astype(np.float32) / np.float32(255.0)


def load_labels(data_dir, split):
    """Load ``split`` labels as int64, shape (N,). (Unused by the AEs; kept for completeness.)"""
    return read_idx(_find(data_dir, f"{split}-labels-idx1-ubyte")).astype(np.int64)


# --------------------------------------------------------------------------- #
# CLI, threads, seeding
# --------------------------------------------------------------------------- #
def base_parser(description, default_epochs=10):
    """Argument parser with the flags every peer script accepts."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--epochs", type=int, default=default_epochs,
                   help="number of training epochs (default %(default)s)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed for torch / numpy / random and the shuffle generator (default %(default)s)")
    p.add_argument("--threads", type=int, default=2,
                   help="torch intra-op threads (default %(default)s)")
    p.add_argument("--limit", type=int, default=None,
                   help="use only the first N training images (smoke runs)")
    p.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                   help="directory holding the IDX(.gz) files (default %(default)s)")
    return p


def setup(args):
    """Apply --threads and --seed. Returns a seeded torch.Generator for shuffling."""
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    gen = torch.Generator()
    gen.manual_seed(args.seed)
    return gen


# --------------------------------------------------------------------------- #
# Timing and output
# --------------------------------------------------------------------------- #
class Timer:
    """Monotonic wall-clock timer: ``with Timer() as t: ...; t.seconds``."""

    def __init__(self):
        self.start = None
        self.seconds = 0.0

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        return False

    def elapsed(self):
        """Seconds since __enter__ (usable inside the with-block)."""
        return time.perf_counter() - self.start


def load_train_test(args, shape):
    """Fashion-MNIST train (first --limit rows) and test images as tensors of the given per-image
    shape, e.g. (784,) for dense models or (1, 28, 28) for conv ones. Loaded outside timed regions."""
    x_train = torch.from_numpy(load_images(args.data_dir, "train")).reshape(-1, *shape)
    x_test = torch.from_numpy(load_images(args.data_dir, "t10k")).reshape(-1, *shape)
    if args.limit is not None:
        x_train = x_train[:args.limit]
    return x_train, x_test


def log(*parts):
    """Progress output: stderr, flushed, so stdout stays machine-readable."""
    print(*parts, file=sys.stderr, flush=True)


def emit_result(result):
    """Print the result dict as one JSON object; this must be the last stdout line."""
    sys.stdout.write(json.dumps(result, sort_keys=False) + "\n")
    sys.stdout.flush()


@torch.no_grad()
def test_mse(model, x_test, batch_size=1000):
    """Mean over all test pixels of (x_hat - x)^2, in [0,1] pixel space.

    Evaluated in eval mode under no_grad in batches of ``batch_size``; per-batch
    squared errors are summed in float64 and divided by the total pixel count,
    so the result does not depend on the batch size.
    """
    was_training = model.training
    model.eval()
    total = 0.0
    for i in range(0, x_test.shape[0], batch_size):
        xb = x_test[i:i + batch_size]
        total += torch.sum((model(xb) - xb) ** 2, dtype=torch.float64).item()
    model.train(was_training)
    return total / x_test.numel()
