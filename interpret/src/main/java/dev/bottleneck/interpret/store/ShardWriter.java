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
 * shard mixes many documents) and spill to disk as one shard file plus its token file.
 */
final class ShardWriter {
    private final Path dir;
    private final String prefix;
    private final int d;
    private final int shardRows;
    private final Random random;
    private final float[] rows;
    private final int[] meta;
    private final List<String> shards = new ArrayList<>();
    private int filled;
    private long written;

    ShardWriter(Path dir, String prefix, int d, int shardRows, long seed) {
        this.dir = dir;
        this.prefix = prefix;
        this.d = d;
        this.shardRows = shardRows;
        this.random = new Random(seed);
        this.rows = new float[shardRows * d];
        this.meta = new int[shardRows * 3];
    }

    /** Adds one row; spills when the buffer is full. Returns true when a shard was written. */
    boolean add(float[] src, int offset, int doc, int position, int token) {
        System.arraycopy(src, offset, rows, filled * d, d);
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
        AtomicFiles.write(dir.resolve(name + ".f32"), out -> {
            ByteBuffer b = ByteBuffer.allocate(n * d * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(rows, 0, n * d);
            out.write(b.array());
        });
        AtomicFiles.write(dir.resolve(name + ".tok"), out -> {
            ByteBuffer b = ByteBuffer.allocate(n * 3 * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(meta, 0, n * 3);
            out.write(b.array());
        });
        shards.add(name);
        written += n;
        filled = 0;
    }

    StoreInfo.Part part() {
        return new StoreInfo.Part(written, shards);
    }

    private void shuffle() {
        float[] tmp = new float[d];
        for (int i = filled - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            System.arraycopy(rows, i * d, tmp, 0, d);
            System.arraycopy(rows, j * d, rows, i * d, d);
            System.arraycopy(tmp, 0, rows, j * d, d);
            for (int k = 0; k < 3; k++) {
                int t = meta[i * 3 + k];
                meta[i * 3 + k] = meta[j * 3 + k];
                meta[j * 3 + k] = t;
            }
        }
    }
}
