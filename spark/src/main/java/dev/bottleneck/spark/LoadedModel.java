package dev.bottleneck.spark;

import dev.bottleneck.anomaly.Detector;
import dev.bottleneck.model.Autoencoder;

import java.util.List;

/**
 * A model as an executor holds it: the autoencoder, for a detector directory the detector (whose
 * own score goes with its threshold: mean-shifted APRE for pae, the blurred error for image ae …)
 * and its threshold (both null for a plain model), and the feature columns it was trained on.
 */
record LoadedModel(Autoencoder model, Detector detector, Double threshold, List<String> columns) {}
