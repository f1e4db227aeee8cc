package dev.gated.engine.metrics.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Builds the per-sentence reference lists that {@link Bleu} and {@link ChrF} take. */
public final class References {
    private References() {
    }

    /** One reference per sentence: {@code refs.get(i)} becomes the single reference of sentence i. */
    public static List<List<String>> oneEach(List<String> refs) {
        List<List<String>> out = new ArrayList<>(refs.size());
        for (String r : refs) {
            out.add(Collections.singletonList(r));
        }
        return out;
    }

    /**
     * From sacreBLEU's layout, a list of reference streams each covering the whole corpus ({@code streams.get(k).get(i)}
     * is the k-th reference of sentence i; null where a sentence has fewer references) to one list per sentence.
     *
     * @throws IllegalArgumentException if there is no stream or the streams differ in length
     */
    public static List<List<String>> fromStreams(List<? extends List<String>> streams) {
        if (streams == null || streams.isEmpty()) {
            throw new IllegalArgumentException("References: expected at least one reference stream");
        }
        int sentences = streams.get(0).size();
        for (int k = 1; k < streams.size(); k++) {
            if (streams.get(k).size() != sentences) {
                throw new IllegalArgumentException("References: stream 0 has " + sentences + " sentences but stream "
                        + k + " has " + streams.get(k).size());
            }
        }
        List<List<String>> out = new ArrayList<>(sentences);
        for (int i = 0; i < sentences; i++) {
            List<String> refs = new ArrayList<>(streams.size());
            for (List<String> stream : streams) {
                refs.add(stream.get(i));
            }
            out.add(refs);
        }
        return out;
    }
}
