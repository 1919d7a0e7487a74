#!/usr/bin/env python3
"""Peer detectors for bench/adbench.sh, run by `bottleneck bench adbench` on each split it makes.

    sklearn_detectors.py TRAIN.csv TEST.csv SEED OUT.csv

TRAIN/TEST: feature rows only, no header (the split Bottleneck made; labels never reach this
script). Both are standardised with the training mean and standard deviation, then:
  iforest  scikit-learn IsolationForest(random_state=SEED), defaults (100 trees, 256 samples);
           score = -score_samples (higher = more anomalous)
  pca      PCA keeping the components that explain 95% of the training variance;
           score = squared reconstruction error
OUT gets one row per test row with columns iforest,pca; stdout one JSON line with fit seconds.
"""
import json
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.preprocessing import StandardScaler


def main():
    train_path, test_path, seed, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    train = np.loadtxt(train_path, delimiter=",", ndmin=2, dtype=np.float64)
    test = np.loadtxt(test_path, delimiter=",", ndmin=2, dtype=np.float64)
    scaler = StandardScaler().fit(train)
    xtr, xte = scaler.transform(train), scaler.transform(test)

    t0 = time.perf_counter()
    iso = IsolationForest(random_state=seed).fit(xtr)
    t_iso = time.perf_counter() - t0
    s_iso = -iso.score_samples(xte)

    t0 = time.perf_counter()
    pca = PCA(n_components=0.95, svd_solver="full", random_state=seed).fit(xtr)
    t_pca = time.perf_counter() - t0
    rec = pca.inverse_transform(pca.transform(xte))
    s_pca = ((xte - rec) ** 2).sum(axis=1)

    np.savetxt(out_path, np.column_stack([s_iso, s_pca]), delimiter=",", header="iforest,pca", comments="", fmt="%.9g")
    print(json.dumps({"iforest_fit_seconds": t_iso, "pca_fit_seconds": t_pca, "pca_components": int(pca.n_components_)}))


if __name__ == "__main__":
    main()
