package dev.bottleneck.interpret.store;

import dev.bottleneck.interpret.MiniLmTokenizer;
import dev.bottleneck.interpret.TokenBatch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * How a corpus is walked in batches, the same for collecting a store and for browsing features:
 * a seeded random order (so that a token budget samples the whole corpus) sorted by length within
 * windows of 16 batches (a batch then holds similar lengths: padding is computed and thrown away,
 * and glosses vary from 3 to 100+ tokens), and each batch's documents tokenized together.
 */
public final class CorpusBatches {
    private CorpusBatches() {}

    /** The documents' indices in visiting order, a function of (documents, seed, batch size) only. */
    public static List<Integer> order(List<String> documents, long seed, int batchSize) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int window = batchSize * 16;
        for (int w = 0; w < order.size(); w += window) {
            order.subList(w, Math.min(order.size(), w + window)).sort(Comparator.comparingInt(i -> documents.get(i).length()));
        }
        return order;
    }

    /** Tokenizes the documents at indices {@code docs}, in that order, as one batch. */
    public static TokenBatch encode(MiniLmTokenizer tokenizer, List<String> documents, List<Integer> docs) {
        List<String> texts = new ArrayList<>();
        docs.forEach(i -> texts.add(documents.get(i)));
        return tokenizer.encode(texts);
    }
}
