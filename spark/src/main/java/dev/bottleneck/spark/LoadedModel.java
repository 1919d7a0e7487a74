package dev.bottleneck.spark;

import dev.bottleneck.model.Autoencoder;

import java.util.List;

/**
 * A model as an executor holds it: the autoencoder, the detector's threshold (null for a plain
 * model) and the feature columns it was trained on.
 */
record LoadedModel(Autoencoder model, Double threshold, List<String> columns) {}
