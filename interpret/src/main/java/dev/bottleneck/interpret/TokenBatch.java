package dev.bottleneck.interpret;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Sentences tokenised and right-padded to the longest one.
 *
 * @param size number of sentences
 * @param length tokens per row after padding
 * @param ids token ids, row-major (size × length), 0 ([PAD]) after each sentence's end
 * @param mask 1 for real tokens, 0 for padding, same layout
 * @param tokens each sentence's token strings, without padding ([CLS] first, [SEP] last)
 */
public record TokenBatch(int size, int length, long[] ids, long[] mask, List<List<String>> tokens) {

    /** Number of real (unpadded) tokens in the batch. */
    public long realTokens() {
        long n = 0;
        for (long m : mask) {
            n += m;
        }
        return n;
    }

    /** {@code [ids, mask]} as int64 arrays of shape (size, length). */
    public NDList toArrays(NDManager manager) {
        Shape s = new Shape(size, length);
        return new NDList(manager.create(ids, s), manager.create(mask, s));
    }
}
