package dev.bottleneck.interpret.browser;

import java.util.Random;

/**
 * What one streaming pass over a corpus remembers about an SAE's latents, in memory that does not
 * grow with the corpus: for every latent its firing count, activation sum and maximum; for each
 * tracked latent the top activations (a min-heap of (activation, document, position)) and a
 * uniform reservoir sample of its firings (Vitter's algorithm R, seeded), from which quantile
 * samples and token statistics are drawn; and how often each token id occurred.
 */
final class FeatureScan {
    final int latents;
    final int top;
    final int sample;
    final long[] fires;
    final double[] sum;
    final float[] max;
    final int[] tokenCount;
    long tokens;

    private final int[] slot;
    private final Random random;
    final float[] topAct;
    final int[] topDoc;
    final int[] topPos;
    final int[] topSize;
    final float[] sampleAct;
    final int[] sampleDoc;
    final int[] samplePos;
    final int[] sampleToken;

    /**
     * @param tracked latents whose contexts are kept (null: all)
     * @param vocab token ids are below this
     */
    FeatureScan(int latents, int[] tracked, int top, int sample, int vocab, long seed) {
        this.latents = latents;
        this.top = top;
        this.sample = sample;
        fires = new long[latents];
        sum = new double[latents];
        max = new float[latents];
        tokenCount = new int[vocab];
        slot = new int[latents];
        int slots;
        if (tracked == null) {
            for (int j = 0; j < latents; j++) {
                slot[j] = j;
            }
            slots = latents;
        } else {
            java.util.Arrays.fill(slot, -1);
            for (int i = 0; i < tracked.length; i++) {
                slot[tracked[i]] = i;
            }
            slots = tracked.length;
        }
        random = new Random(seed);
        topAct = new float[slots * top];
        topDoc = new int[slots * top];
        topPos = new int[slots * top];
        topSize = new int[slots];
        sampleAct = new float[slots * sample];
        sampleDoc = new int[slots * sample];
        samplePos = new int[slots * sample];
        sampleToken = new int[slots * sample];
    }

    /** The tracked slot of a latent, or -1. */
    int slot(int latent) {
        return slot[latent];
    }

    void token(int id) {
        tokenCount[id]++;
        tokens++;
    }

    /** Latent {@code j} fired with {@code act} > 0 on a token. */
    void fire(int j, float act, int doc, int pos, int tokenId) {
        long seen = ++fires[j];
        sum[j] += act;
        max[j] = Math.max(max[j], act);
        int s = slot[j];
        if (s < 0) {
            return;
        }
        offerTop(s, act, doc, pos);
        int at = -1;
        if (seen <= sample) {
            at = (int) seen - 1;
        } else {
            long r = (long) (random.nextDouble() * seen);
            if (r < sample) {
                at = (int) r;
            }
        }
        if (at >= 0) {
            int i = s * sample + at;
            sampleAct[i] = act;
            sampleDoc[i] = doc;
            samplePos[i] = pos;
            sampleToken[i] = tokenId;
        }
    }

    /** Keeps the {@code top} largest; an equal activation does not displace an earlier one. */
    private void offerTop(int s, float act, int doc, int pos) {
        int base = s * top;
        int n = topSize[s];
        if (n < top) {
            topAct[base + n] = act;
            topDoc[base + n] = doc;
            topPos[base + n] = pos;
            topSize[s] = n + 1;
            siftUp(base, n);
        } else if (act > topAct[base]) {
            topAct[base] = act;
            topDoc[base] = doc;
            topPos[base] = pos;
            siftDown(base, n);
        }
    }

    private void siftUp(int base, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (topAct[base + i] >= topAct[base + parent]) {
                return;
            }
            swap(base + i, base + parent);
            i = parent;
        }
    }

    private void siftDown(int base, int n) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int smallest = i;
            if (l < n && topAct[base + l] < topAct[base + smallest]) {
                smallest = l;
            }
            if (l + 1 < n && topAct[base + l + 1] < topAct[base + smallest]) {
                smallest = l + 1;
            }
            if (smallest == i) {
                return;
            }
            swap(base + i, base + smallest);
            i = smallest;
        }
    }

    private void swap(int a, int b) {
        float f = topAct[a];
        topAct[a] = topAct[b];
        topAct[b] = f;
        int t = topDoc[a];
        topDoc[a] = topDoc[b];
        topDoc[b] = t;
        t = topPos[a];
        topPos[a] = topPos[b];
        topPos[b] = t;
    }

    /** Firings of {@code latent} held in its reservoir. */
    int sampled(int latent) {
        return (int) Math.min(sample, fires[latent]);
    }
}
