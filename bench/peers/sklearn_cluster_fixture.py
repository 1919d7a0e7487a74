#!/usr/bin/env python3
"""Writes the scikit-learn numbers the clustering tests compare against.

    /usr/bin/python3 bench/peers/sklearn_cluster_fixture.py > core/src/test/resources/cluster/sklearn-landsat.json

Data: the first 600 rows of datasets/statlog-landsat/statlog-landsat.csv.gz (raw 0-255 values,
36 features; classes numbered by their names in sorted order). Everything is float64.
  kmeans_fixed   KMeans(6, init=rows 0,100,...,500, n_init=1, lloyd, tol=1e-4): labels, inertia
  kmeans_pp      KMeans(6, n_init=10, random_state=0): best inertia over the 10 k-means++ seedings
  pca            PCA(): explained_variance_ and _ratio_ of all 36 axes; n_components for 0.9
  metrics        of (classes, kmeans_fixed labels): ACC (linear_sum_assignment), NMI (arithmetic),
                 ARI; silhouette, Calinski-Harabasz, Davies-Bouldin of the labels on the rows
"""
import gzip
import json

import numpy as np
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn import metrics
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA

ROWS = 600

with gzip.open("datasets/statlog-landsat/statlog-landsat.csv.gz", "rt") as f:
    lines = f.read().splitlines()[1:ROWS + 1]
x = np.array([[float(v) for v in l.rsplit(",", 1)[0].split(",")] for l in lines])
names = [l.rsplit(",", 1)[1] for l in lines]
classes = sorted(set(names))
y = np.array([classes.index(n) for n in names])

init_rows = list(range(0, ROWS, 100))
fixed = KMeans(6, init=x[init_rows], n_init=1, algorithm="lloyd", tol=1e-4, max_iter=300).fit(x)
pp = KMeans(6, n_init=10, random_state=0, algorithm="lloyd").fit(x)
pca = PCA().fit(x)
n90 = PCA(0.9, svd_solver="full").fit(x).n_components_

pred = fixed.labels_
c = metrics.cluster.contingency_matrix(y, pred)
r, k = linear_sum_assignment(-c)
acc = c[r, k].sum() / len(y)

print(json.dumps({
    "sklearn": sklearn.__version__,
    "rows": ROWS,
    "init_rows": init_rows,
    "kmeans_fixed": {"inertia": fixed.inertia_, "labels": pred.tolist(), "iterations": int(fixed.n_iter_)},
    "kmeans_pp": {"inertia": pp.inertia_},
    "pca": {"explained_variance": pca.explained_variance_.tolist(),
            "explained_variance_ratio": pca.explained_variance_ratio_.tolist(),
            "components_for_0.9": int(n90)},
    "classes": y.tolist(),
    "metrics": {
        "accuracy": acc,
        "nmi": metrics.normalized_mutual_info_score(y, pred),
        "ari": metrics.adjusted_rand_score(y, pred),
        "silhouette": metrics.silhouette_score(x, pred),
        "calinski_harabasz": metrics.calinski_harabasz_score(x, pred),
        "davies_bouldin": metrics.davies_bouldin_score(x, pred),
    },
}))
