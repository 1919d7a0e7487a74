package dev.bottleneck.interpret.browser;

import dev.bottleneck.BottleneckException;

import java.util.ArrayList;
import java.util.List;

/** Parses latent lists such as {@code 0-99,120,300-310} (ranges inclusive, in the order written). */
public final class LatentRanges {
    private static final int MAX = 100_000;

    private LatentRanges() {}

    public static int[] parse(String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            String[] ends = p.split("-", -1);
            if (p.isEmpty() || ends.length > 2) {
                throw bad(spec, p);
            }
            int from = number(spec, ends[0]);
            int to = ends.length == 2 ? number(spec, ends[1]) : from;
            if (to < from) {
                throw new BottleneckException("latent range \"" + p + "\" in \"" + spec + "\" runs backwards; write it low-high");
            }
            if (out.size() + (long) to - from + 1 > MAX) {
                throw new BottleneckException("latent list \"" + spec + "\" names more than " + MAX + " latents");
            }
            for (int j = from; j <= to; j++) {
                out.add(j);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int number(String spec, String s) {
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(spec, s);
    }

    private static BottleneckException bad(String spec, String part) {
        return new BottleneckException("latent list \"" + spec + "\" has \"" + part.trim() + "\"; expected numbers ≥ 0 "
                + "and ranges like 0-99, separated by commas");
    }
}
