#!/usr/bin/env python3
"""scikit-learn peer for bench/cluster.sh: the same rows, the same k-means settings, in the same run.

    sklearn_cluster.py fashion IMAGES.gz LABELS.gz LIMIT K       k-means on pixels; PCA-50 + k-means
    sklearn_cluster.py landsat CSV.gz K                          StandardScaler + PCA(0.9) + k-means
    sklearn_cluster.py scene IMAGE.tif TRUTH.tif K               per-pixel bands, StandardScaler, k-means; PCA(0.9) + k-means

k-means is KMeans(k, n_init=10, random_state=0) (k-means++, Lloyd). Prints one JSON line per
method: ACC (Hungarian matching via linear_sum_assignment), NMI (arithmetic), ARI, seconds.
For the scene only the labelled pixels (truth != 0) are scored. Pixels are b / 255 (as Bottleneck reads IDX).
"""
import gzip
import json
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn import metrics
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler


def scores(truth, pred):
    c = metrics.cluster.contingency_matrix(truth, pred)
    r, k = linear_sum_assignment(-c)
    return {"acc": c[r, k].sum() / len(truth), "nmi": metrics.normalized_mutual_info_score(truth, pred),
            "ari": metrics.adjusted_rand_score(truth, pred)}


def run(name, x, truth, k, data, mask=None):
    t0 = time.time()
    pred = KMeans(k, n_init=10, random_state=0).fit_predict(x)
    secs = time.time() - t0
    t, p = (truth, pred) if mask is None else (truth[mask], pred[mask])
    print(json.dumps({"system": "scikit-learn", "data": data, "method": name, "rows": len(x), "dims": x.shape[1],
                      **scores(t, p), "seconds": round(secs, 1)}), flush=True)


def idx(path, header):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def main():
    kind = sys.argv[1]
    if kind == "fashion":
        limit, k = int(sys.argv[4]), int(sys.argv[5])
        x = idx(sys.argv[2], 16).reshape(-1, 784)[:limit].astype(np.float32) / 255
        y = idx(sys.argv[3], 8)[:limit]
        run("kmeans", x, y, k, "fashion-mnist")
        t0 = time.time()
        z = PCA(50, random_state=0).fit_transform(x)
        run("pca-50", z, y, k, "fashion-mnist")
    elif kind == "landsat":
        k = int(sys.argv[3])
        with gzip.open(sys.argv[2], "rt") as f:
            lines = f.read().splitlines()[1:]
        x = np.array([[float(v) for v in l.rsplit(",", 1)[0].split(",")] for l in lines])
        y = np.array([l.rsplit(",", 1)[1] for l in lines])
        xs = StandardScaler().fit_transform(x)
        run("pca-90%", PCA(0.9, svd_solver="full").fit_transform(xs), y, k, "statlog-landsat")
    elif kind == "scene":
        k = int(sys.argv[4])
        x = tiff_planar(sys.argv[2])
        truth = tiff_planar(sys.argv[3])[:, 0]
        mask = truth != 0
        xs = StandardScaler().fit_transform(x.astype(np.float64))
        run("kmeans", xs, truth, k, "playa", mask)
        run("pca-90%", PCA(0.9, svd_solver="full").fit_transform(xs), truth, k, "playa", mask)


def tiff_planar(path):
    """Minimal reader for the uncompressed strip TIFFs of the Playa scene (pixels × bands); 8- or 16-bit."""
    import struct
    b = open(path, "rb").read()
    off = struct.unpack("<I", b[4:8])[0]
    tags = {}
    for i in range(struct.unpack("<H", b[off:off + 2])[0]):
        tag, typ, cnt, val = struct.unpack("<HHI4s", b[off + 2 + 12 * i:off + 14 + 12 * i])
        size = {3: 2, 4: 4}.get(typ, 1)
        fmt = {3: "H", 4: "I"}.get(typ, "B")
        at = off + 2 + 12 * i + 8 if cnt * size <= 4 else struct.unpack("<I", val)[0]
        tags[tag] = struct.unpack("<%d%s" % (cnt, fmt), b[at:at + cnt * size]) if typ in (1, 3, 4) else None
    w, h, bands = tags[256][0], tags[257][0], tags.get(277, (1,))[0]
    rps = min(tags.get(278, (h,))[0], h)
    dtype = "<u2" if tags[258][0] == 16 else np.uint8
    strips = [np.frombuffer(b[o:o + c], dtype=dtype) for o, c in zip(tags[273], tags[279])]
    if tags.get(284, (1,))[0] == 2:
        per = (h + rps - 1) // rps
        planes = [np.concatenate([s[:min(rps, h - j * rps) * w] for j, s in enumerate(strips[p * per:(p + 1) * per])])
                  for p in range(bands)]
        return np.stack([p.reshape(h * w) for p in planes], axis=1)
    return np.concatenate(strips)[:h * w * bands].reshape(h * w, bands)


if __name__ == "__main__":
    main()
