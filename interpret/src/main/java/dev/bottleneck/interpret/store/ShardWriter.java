package dev.bottleneck.interpret.store;

import dev.bottleneck.io.AtomicFiles;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The in-memory buffer of one split: rows accumulate until {@code shardRows}, are shuffled (so a
 * shard mixes many documents) and spill to disk as one shard file plus its token file, and for a
 * paired store its target file, shuffled in the same order so row i of each file is one token.
 */
final class ShardWriter {
    static final String TARGET_SUFFIX = ".target.f32";

    private final Path dir;
    private final String prefix;
    private final int d;
    private final int dTarget;
    private final int shardRows;
    private final Random random;
    private final float[] rows;
    private final float[] targets;
    private final int[] meta;
    private final List<String> shards = new ArrayList<>();
    private int filled;
    private long written;

    ShardWriter(Path dir, String prefix, int d, int shardRows, long seed) {
        this(dir, prefix, d, 0, shardRows, seed);
    }

    /** {@code dTarget} 0: no paired target. */
    ShardWriter(Path dir, String prefix, int d, int dTarget, int shardRows, long seed) {
        this.dir = dir;
        this.prefix = prefix;
        this.d = d;
        this.dTarget = dTarget;
        this.shardRows = shardRows;
        this.random = new Random(seed);
        this.rows = new float[shardRows * d];
        this.targets = new float[shardRows * dTarget];
        this.meta = new int[shardRows * 3];
    }

    /** Adds one row; spills when the buffer is full. Returns true when a shard was written. */
    boolean add(float[] src, int offset, int doc, int position, int token) {
        return add(src, offset, null, 0, doc, position, token);
    }

    /** Adds one row and its paired target row ({@code target} null for a plain store). */
    boolean add(float[] src, int offset, float[] target, int targetOffset, int doc, int position, int token) {
        System.arraycopy(src, offset, rows, filled * d, d);
        if (dTarget > 0) {
            System.arraycopy(target, targetOffset, targets, filled * dTarget, dTarget);
        }
        meta[filled * 3] = doc;
        meta[filled * 3 + 1] = position;
        meta[filled * 3 + 2] = token;
        filled++;
        if (filled == shardRows) {
            flush();
            return true;
        }
        return false;
    }

    /** Writes what is buffered as a (possibly short) shard. */
    void flush() {
        if (filled == 0) {
            return;
        }
        shuffle();
        String name = String.format("%s-%05d", prefix, shards.size());
        int n = filled;
        writeFloats(dir.resolve(name + ".f32"), rows, n * d);
        if (dTarget > 0) {
            writeFloats(dir.resolve(name + TARGET_SUFFIX), targets, n * dTarget);
        }
        AtomicFiles.write(dir.resolve(name + ".tok"), out -> {
            ByteBuffer b = ByteBuffer.allocate(n * 3 * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(meta, 0, n * 3);
            out.write(b.array());
        });
        shards.add(name);
        written += n;
        filled = 0;
    }

    private static void writeFloats(Path file, float[] values, int count) {
        AtomicFiles.write(file, out -> {
            ByteBuffer b = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values, 0, count);
            out.write(b.array());
        });
    }

    StoreInfo.Part part() {
        return new StoreInfo.Part(written, shards);
    }

    private void shuffle() {
        float[] tmp = new float[Math.max(d, dTarget)];
        for (int i = filled - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            swap(rows, d, i, j, tmp);
            if (dTarget > 0) {
                swap(targets, dTarget, i, j, tmp);
            }
            for (int k = 0; k < 3; k++) {
                int t = meta[i * 3 + k];
                meta[i * 3 + k] = meta[j * 3 + k];
                meta[j * 3 + k] = t;
            }
        }
    }

    private static void swap(float[] a, int width, int i, int j, float[] tmp) {
        System.arraycopy(a, i * width, tmp, 0, width);
        System.arraycopy(a, j * width, a, i * width, width);
        System.arraycopy(tmp, 0, a, j * width, width);
    }
}
