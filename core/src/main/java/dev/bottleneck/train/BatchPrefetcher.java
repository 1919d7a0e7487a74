package dev.bottleneck.train;

import dev.bottleneck.BottleneckException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gathers the next minibatch's rows on a helper thread while the engine computes the current
 * step, straight into a direct, native-order buffer that the engine takes without a copy.
 *
 * <p>Why: building each batch from a Java array cost a gather on the training thread plus, inside
 * the engine's {@code create(float[])}, a fresh direct buffer per step (allocated, zeroed, copied
 * into, and left for the garbage collector). Two buffers are reused in turn instead; the one being
 * filled is never the one the current step's tensor was built from, and a step's tensors are
 * closed before the buffer comes round again, so even an engine that aliased the buffer would see
 * stable data. The rows are the same either way, so training is bit-identical.
 */
final class BatchPrefetcher implements AutoCloseable {
    private final float[] rows;
    private final int d;
    private final ByteBuffer[] buffers = new ByteBuffer[2];
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bottleneck-batch-prefetch");
        t.setDaemon(true);
        return t;
    });
    private int turn;
    private Future<ByteBuffer> pending;
    private int[] pendingOrder;
    private int pendingFrom = -1;

    /** @param rows the scaled training rows, row-major, {@code d} values each */
    BatchPrefetcher(float[] rows, int d, int batch) {
        this.rows = rows;
        this.d = d;
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.allocateDirect(batch * d * Float.BYTES).order(ByteOrder.nativeOrder());
        }
    }

    /**
     * Rows {@code order[from .. from + count)} as a buffer positioned at 0 and limited to them; valid
     * until the call after next. Uses the prefetched batch when it is the one asked for.
     */
    ByteBuffer take(int[] order, int from, int count) {
        Future<ByteBuffer> f = pending;
        boolean hit = f != null && pendingOrder == order && pendingFrom == from;
        pending = null;
        if (f != null) {
            ByteBuffer ready = await(f); // also when not wanted: its buffer must be free before reuse
            if (hit) {
                return ready;
            }
        }
        return gather(order, from, count, nextBuffer());
    }

    /** Starts gathering {@code order[from .. from + count)} into the buffer not handed out last. */
    void prefetch(int[] order, int from, int count) {
        ByteBuffer target = nextBuffer();
        pendingOrder = order;
        pendingFrom = from;
        pending = worker.submit(() -> gather(order, from, count, target));
    }

    private ByteBuffer nextBuffer() {
        turn ^= 1;
        return buffers[turn];
    }

    private ByteBuffer gather(int[] order, int from, int count, ByteBuffer dst) {
        dst.clear();
        java.nio.FloatBuffer fb = dst.asFloatBuffer();
        for (int i = 0; i < count; i++) {
            fb.put(rows, order[from + i] * d, d);
        }
        dst.limit(count * d * Float.BYTES);
        return dst;
    }

    private static ByteBuffer await(Future<ByteBuffer> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BottleneckException("training was interrupted while preparing a batch", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("preparing a training batch failed", e.getCause());
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
