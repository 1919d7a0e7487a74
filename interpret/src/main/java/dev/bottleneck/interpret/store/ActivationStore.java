package dev.bottleneck.interpret.store;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.io.Json;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Serves batches from a store written by {@link ActivationCollector}. Shards are memory-mapped,
 * so a store larger than the heap is served from the page cache; each epoch visits every row
 * once in a fresh seeded permutation over the whole split, so batches mix all shards.
 */
public final class ActivationStore {
    public static final String INFO = "store.json";

    /** Which rows. */
    public enum Split { TRAIN, HELD_OUT }

    private final Path dir;
    private final StoreInfo info;

    private ActivationStore(Path dir, StoreInfo info) {
        this.dir = dir;
        this.info = info;
    }

    /** Opens a store directory; the message says what is wrong with a bad one. */
    public static ActivationStore open(Path dir) {
        Path file = dir.resolve(INFO);
        if (!Files.isRegularFile(file)) {
            throw new BottleneckException(dir + " is not an activation store (no " + INFO
                    + "); write one with `bottleneck sae collect`");
        }
        StoreInfo info;
        try {
            info = Json.mapper().readValue(file.toFile(), StoreInfo.class);
        } catch (IOException e) {
            throw new BottleneckException(file + " is not a valid store description: " + e.getMessage(), e);
        }
        if (info.formatVersion() != StoreInfo.FORMAT_VERSION) {
            throw new BottleneckException(file + " has format version " + info.formatVersion() + ", expected "
                    + StoreInfo.FORMAT_VERSION);
        }
        return new ActivationStore(dir, info);
    }

    /**
     * Writes a store from activations computed elsewhere (rows × d, row-major), e.g. another
     * model's or synthetic data; token metadata is zero. The scale is computed from the train rows.
     */
    public static ActivationStore create(Path dir, String hook, int d, float[] train, float[] heldOut, long seed) {
        return create(dir, hook, d, train, heldOut, null, 0, null, null, seed);
    }

    /**
     * The same with a paired target hook ({@code targetHook} null: none): {@code trainTarget} and
     * {@code heldOutTarget} hold, row for row, the target's activations (rows × dTarget).
     */
    public static ActivationStore create(Path dir, String hook, int d, float[] train, float[] heldOut,
            String targetHook, int dTarget, float[] trainTarget, float[] heldOutTarget, long seed) {
        int shardRows = 65536;
        int dt = targetHook == null ? 0 : dTarget;
        ShardWriter tw = new ShardWriter(dir, "train", d, dt, shardRows, seed);
        ShardWriter hw = new ShardWriter(dir, "heldout", d, dt, shardRows, seed + 1);
        double normSum = 0;
        double targetNormSum = 0;
        for (int r = 0; r < train.length / d; r++) {
            normSum += norm(train, r * d, d);
            if (dt > 0) {
                targetNormSum += norm(trainTarget, r * dt, dt);
            }
            tw.add(train, r * d, trainTarget, r * dt, 0, 0, 0);
        }
        for (int r = 0; r < heldOut.length / d; r++) {
            hw.add(heldOut, r * d, heldOutTarget, r * dt, 0, 0, 0);
        }
        tw.flush();
        hw.flush();
        long rows = train.length / d;
        double meanNorm = normSum / Math.max(1, rows);
        double targetMeanNorm = targetNormSum / Math.max(1, rows);
        StoreInfo info = new StoreInfo(StoreInfo.FORMAT_VERSION, hook, d, "", "", 0, false, 0, 0, seed, meanNorm,
                Math.sqrt(d) / meanNorm, shardRows, tw.part(), hw.part(), true,
                "bottleneck " + dev.bottleneck.Version.get(), targetHook, dt, dt > 0 ? targetMeanNorm : 0,
                dt > 0 ? Math.sqrt(dt) / targetMeanNorm : 0);
        dev.bottleneck.io.AtomicFiles.write(dir.resolve(INFO), o -> Json.mapper().writeValue(o, info));
        return new ActivationStore(dir, info);
    }

    static double norm(float[] a, int off, int d) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            s += (double) a[off + i] * a[off + i];
        }
        return Math.sqrt(s);
    }

    /** The store's directory. */
    public Path dir() {
        return dir;
    }

    public StoreInfo info() {
        return info;
    }

    public long rows(Split split) {
        return part(split).rows();
    }

    /**
     * Batches of {@code batchSize} rows (the last may be shorter) for one pass over a split,
     * multiplied by the store's scale when {@code normalise}. Shuffled with {@code seed} when
     * {@code shuffle}, else in stored order. At most {@code limit} rows (≤ 0: all).
     */
    public Batches batches(Split split, int batchSize, boolean shuffle, long seed, boolean normalise, long limit) {
        return new Batches(split, batchSize, shuffle, seed, normalise, limit);
    }

    /** The mean row of the first {@code limit} rows (≤ 0: all) of a split, scaled when {@code normalise}. */
    public float[] mean(Split split, long limit, boolean normalise) {
        return mean(split, limit, normalise, false);
    }

    /** The same for the paired target hook's rows (scaled by its own scale). */
    public float[] targetMean(Split split, long limit, boolean normalise) {
        requirePaired();
        return mean(split, limit, normalise, true);
    }

    private float[] mean(Split split, long limit, boolean normalise, boolean target) {
        int d = target ? info.dTarget() : info.dIn();
        double[] sum = new double[d];
        long n = 0;
        Batches b = batches(split, 8192, false, 0, normalise, limit);
        while (b.hasNext()) {
            float[] rows = target ? b.nextPair()[1] : b.next();
            for (int i = 0; i < rows.length; i++) {
                sum[i % d] += rows[i];
            }
            n += rows.length / d;
        }
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) (sum[j] / Math.max(1, n));
        }
        return mean;
    }

    private void requirePaired() {
        if (!info.paired()) {
            throw new BottleneckException("store " + dir + " holds only " + info.hook() + "; a transcoder needs a "
                    + "paired store (`bottleneck sae collect --hook A --target-hook B`)");
        }
    }

    /** The first {@code limit} rows (stored order) of a split as one (rows, d) array. */
    public NDArray load(Split split, long limit, boolean normalise, NDManager manager) {
        Batches b = batches(split, (int) Math.min(Integer.MAX_VALUE / info.dIn(), Math.max(1, limit > 0 ? limit
                : rows(split))), false, 0, normalise, limit);
        float[] rows = b.next();
        return manager.create(rows, new Shape(rows.length / info.dIn(), info.dIn()));
    }

    /** The (document, position, token id) of the first {@code limit} rows of a split, stored order. */
    public int[] tokens(Split split, long limit) {
        StoreInfo.Part p = part(split);
        int n = (int) (limit > 0 ? Math.min(limit, p.rows()) : p.rows());
        int[] out = new int[n * 3];
        int filled = 0;
        for (String shard : p.shards()) {
            if (filled >= n) {
                break;
            }
            IntBuffer b = map(shard + ".tok").asIntBuffer();
            int take = Math.min(b.remaining() / 3, n - filled);
            b.get(out, filled * 3, take * 3);
            filled += take;
        }
        return out;
    }

    private StoreInfo.Part part(Split split) {
        return split == Split.TRAIN ? info.train() : info.heldOut();
    }

    private java.nio.ByteBuffer map(String file) {
        Path p = dir.resolve(file);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new BottleneckException("activation shard " + p + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** One pass over a split. Not thread-safe. */
    public final class Batches {
        private final int batchSize;
        private final boolean normalise;
        private final List<FloatBuffer> shards = new ArrayList<>();
        private final List<FloatBuffer> targetShards = new ArrayList<>();
        private final int[] order;
        private int next;

        private Batches(Split split, int batchSize, boolean shuffle, long seed, boolean normalise, long limit) {
            if (batchSize < 1) {
                throw new BottleneckException("batch size must be ≥ 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            this.normalise = normalise;
            StoreInfo.Part p = part(split);
            long expected = 0;
            for (String s : p.shards()) {
                FloatBuffer fb = map(s + ".f32").asFloatBuffer();
                shards.add(fb);
                expected += fb.capacity() / info.dIn();
                if (info.paired()) {
                    FloatBuffer tb = map(s + ShardWriter.TARGET_SUFFIX).asFloatBuffer();
                    if (tb.capacity() / info.dTarget() != fb.capacity() / info.dIn()) {
                        throw new BottleneckException("store " + dir + ": shard " + s + " holds "
                                + fb.capacity() / info.dIn() + " rows but its target file "
                                + tb.capacity() / info.dTarget() + "; the store is damaged");
                    }
                    targetShards.add(tb);
                }
            }
            if (expected != p.rows()) {
                throw new BottleneckException("store " + dir + " lists " + p.rows() + " " + split
                        + " rows but its shards hold " + expected + "; the store is damaged");
            }
            int n = (int) Math.min(Integer.MAX_VALUE - 8, limit > 0 ? Math.min(limit, p.rows()) : p.rows());
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            if (shuffle) {
                Random r = new Random(seed);
                for (int i = n - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
        }

        /** Rows in this pass. */
        public int rows() {
            return order.length;
        }

        /** Batches in this pass. */
        public int count() {
            return (order.length + batchSize - 1) / batchSize;
        }

        public boolean hasNext() {
            return next < order.length;
        }

        /** Passes over the next {@code batches} batches without reading them (to resume inside a pass). */
        public void skip(int batches) {
            next = (int) Math.min(order.length, next + (long) batches * batchSize);
        }

        /** The next batch, row-major (rows × d). */
        public float[] next() {
            int n = Math.min(batchSize, order.length - next);
            float[] out = gather(shards, info.dIn(), n, (float) info.scale());
            next += n;
            return out;
        }

        /** The next batch of a paired store: {input rows, target rows}, each row-major. */
        public float[][] nextPair() {
            requirePaired();
            int n = Math.min(batchSize, order.length - next);
            float[][] out = {gather(shards, info.dIn(), n, (float) info.scale()),
                gather(targetShards, info.dTarget(), n, (float) info.targetScale())};
            next += n;
            return out;
        }

        /** The next batch of a paired store as (rows, d_in) and (rows, d_target) arrays in {@code manager}. */
        public NDList nextPair(NDManager manager) {
            float[][] p = nextPair();
            return new NDList(manager.create(p[0], new Shape(p[0].length / info.dIn(), info.dIn())),
                    manager.create(p[1], new Shape(p[1].length / info.dTarget(), info.dTarget())));
        }

        private float[] gather(List<FloatBuffer> from, int d, int n, float scale) {
            float[] out = new float[n * d];
            for (int i = 0; i < n; i++) {
                int row = order[next + i];
                from.get(row / info.shardRows()).get((row % info.shardRows()) * d, out, i * d, d);
            }
            if (normalise) {
                for (int i = 0; i < out.length; i++) {
                    out[i] *= scale;
                }
            }
            return out;
        }

        /** The next batch as a (rows, d) array in {@code manager}. */
        public NDArray next(NDManager manager) {
            float[] rows = next();
            return manager.create(rows, new Shape(rows.length / info.dIn(), info.dIn()));
        }
    }
}
