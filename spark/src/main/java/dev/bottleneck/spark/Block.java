package dev.bottleneck.spark;

import java.io.Serializable;

/**
 * All rows of one partition as one row-major float array: what a training task keeps in memory
 * (Spark caches these blocks between rounds, so the source is read once).
 *
 * @param values {@code rows × width} cells
 * @param rows rows in the partition
 */
record Block(float[] values, int rows) implements Serializable {}
