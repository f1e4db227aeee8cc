package dev.gated.engine.model.seq2seq;

import dev.gated.engine.decode.BeamSearch;
import dev.gated.engine.decode.GreedyDecoder;
import dev.gated.engine.decode.Hypothesis;
import dev.gated.engine.decode.LengthPenalty;
import java.util.ArrayList;
import java.util.List;

/** Greedy or beam-search translation of token sequences with a {@link Seq2SeqModel}, and its attention weights. */
public final class Translator {
    /** Sentences encoded together; bounds the memory a decoding batch holds. */
    static final int CHUNK = 64;

    private final Seq2SeqModel model;
    private final Decoding decoding;

    public Translator(Seq2SeqModel model, Decoding decoding) {
        this.model = model;
        this.decoding = decoding;
    }

    public Decoding decoding() {
        return decoding;
    }

    /** The best hypothesis for each source, in order (tokens without bos and eos). */
    public List<Hypothesis> translate(List<int[]> sources) {
        List<Hypothesis> out = new ArrayList<>(sources.size());
        GreedyDecoder greedy = new GreedyDecoder(decoding.bos(), decoding.eos(), decoding.maxLength());
        BeamSearch beam = new BeamSearch(decoding.beamWidth(), decoding.maxLength(),
                new LengthPenalty(decoding.lengthPenalty()), decoding.bos(), decoding.eos());
        for (int from = 0; from < sources.size(); from += CHUNK) {
            List<int[]> chunk = sources.subList(from, Math.min(sources.size(), from + CHUNK));
            try (Seq2SeqScorer scorer = new Seq2SeqScorer(model, chunk)) {
                for (int i = 0; i < chunk.size(); i++) {
                    out.add(decoding.beamWidth() == 1 ? greedy.decode(scorer, scorer.initial(i))
                            : beam.decode(scorer, scorer.initial(i)).get(0));
                }
            }
        }
        return out;
    }

    /**
     * The attention weights while the decoder reads {@code output} (teacher-forced): one row per emitted token
     * ({@code output}, then eos) over the source positions. Null rows without attention.
     */
    public float[][] attention(int[] source, int[] output) {
        try (Seq2SeqScorer scorer = new Seq2SeqScorer(model, List.of(source))) {
            float[][] rows = new float[output.length + 1][];
            Seq2SeqScorer.State state = scorer.initial(0);
            int last = decoding.bos();
            for (int t = 0; t <= output.length; t++) {
                state = scorer.step(List.of(state), new int[] {last}).next().get(0);
                rows[t] = state.attention();
                last = t < output.length ? output[t] : decoding.eos();
            }
            return rows;
        }
    }
}
