package dev.bottleneck.interpret.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bottleneck.BottleneckException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Documents from a text file, read in a fixed order so that a document's index names it again
 * later (the feature browser finds contexts by index):
 * <ul>
 *   <li>a WordNet database file ({@code data.noun} …) or the directory holding them: each
 *       synset's gloss, the text after {@code " | "}; the licence header is skipped;
 *   <li>{@code .jsonl}: the {@code text} field, or else every string field joined (a paper's
 *       title and abstract), split into sentences so that none is cut at the token limit;
 *   <li>anything else: one document per non-blank line.
 * </ul>
 */
public final class TextCorpus {
    private static final List<String> WORDNET_FILES = List.of("data.noun", "data.verb", "data.adj", "data.adv");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z(\\[])");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TextCorpus() {}

    /** Every document of the corpus at {@code path}, in order. */
    public static List<String> read(Path path) {
        if (!Files.exists(path)) {
            throw new BottleneckException("corpus " + path + " does not exist; expected a text file, a .jsonl file "
                    + "or a WordNet data file/directory");
        }
        try {
            if (Files.isDirectory(path)) {
                List<String> docs = new ArrayList<>();
                for (String name : WORDNET_FILES) {
                    Path f = path.resolve(name);
                    if (Files.isRegularFile(f)) {
                        docs.addAll(wordnet(f));
                    }
                }
                if (docs.isEmpty()) {
                    throw new BottleneckException("directory " + path + " holds no WordNet data files (expected "
                            + String.join(", ", WORDNET_FILES) + ")");
                }
                return docs;
            }
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            List<String> docs;
            if (name.startsWith("data.") && WORDNET_FILES.contains(name)) {
                docs = wordnet(path);
            } else if (name.endsWith(".jsonl")) {
                docs = jsonl(path);
            } else {
                docs = lines(path);
            }
            if (docs.isEmpty()) {
                throw new BottleneckException("corpus " + path + " holds no text");
            }
            return docs;
        } catch (IOException e) {
            throw new BottleneckException("could not read corpus " + path + ": " + e.getMessage(), e);
        }
    }

    private static List<String> wordnet(Path file) throws IOException {
        List<String> docs = new ArrayList<>();
        try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
            s.filter(l -> !l.startsWith(" ")).forEach(l -> {
                int bar = l.indexOf(" | ");
                if (bar >= 0) {
                    String gloss = l.substring(bar + 3).trim();
                    if (!gloss.isEmpty()) {
                        docs.add(gloss);
                    }
                }
            });
        }
        return docs;
    }

    private static List<String> jsonl(Path file) throws IOException {
        List<String> docs = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int row = 0;
            while ((line = r.readLine()) != null) {
                row++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    throw new BottleneckException(file + " line " + row + " is not JSON: " + e.getMessage());
                }
                String text;
                if (node.hasNonNull("text")) {
                    text = node.get("text").asText();
                } else {
                    List<String> parts = new ArrayList<>();
                    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                        JsonNode v = it.next();
                        if (v.isTextual() && !v.asText().isBlank()) {
                            parts.add(v.asText().trim());
                        }
                    }
                    text = String.join(". ", parts);
                }
                for (String sentence : SENTENCE_END.split(text)) {
                    if (!sentence.isBlank()) {
                        docs.add(sentence.trim());
                    }
                }
            }
        }
        return docs;
    }

    private static List<String> lines(Path file) throws IOException {
        List<String> docs = new ArrayList<>();
        try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
            s.map(String::trim).filter(l -> !l.isEmpty()).forEach(docs::add);
        }
        return docs;
    }
}
