package dev.gated.engine.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A scripted model for the decoder tests: its state is the list of tokens read so far (bos first), and the
 * next-token distribution is a function of the output prefix (the read tokens after bos).
 */
final class ToyScorer implements StepScorer<List<Integer>> {
    private final int vocabulary;
    private final Function<List<Integer>, float[]> table;
    int calls;

    ToyScorer(int vocabulary, Function<List<Integer>, float[]> table) {
        this.vocabulary = vocabulary;
        this.table = table;
    }

    /** The state to start from: nothing read yet. */
    static List<Integer> start() {
        return List.of();
    }

    /**
     * A hand-written table of probabilities keyed by output prefix; prefixes not listed get {@code fallback}.
     * Zero probabilities become −∞.
     */
    static ToyScorer of(int vocabulary, Map<List<Integer>, double[]> probabilities, double[] fallback) {
        return new ToyScorer(vocabulary, prefix -> logs(probabilities.getOrDefault(prefix, fallback)));
    }

    /**
     * A random model: seeded logits per prefix (or, if {@code markov}, per last output token), softmaxed. The
     * seed comes from the key, not from call order, so greedy and beam search see the same model.
     */
    static ToyScorer random(long seed, int vocabulary, boolean markov, double sharpness) {
        return new ToyScorer(vocabulary, prefix -> {
            Object key = markov ? (prefix.isEmpty() ? -1 : prefix.get(prefix.size() - 1)) : prefix;
            Random r = new Random(seed * 1_000_003L + key.hashCode());
            double[] logits = new double[vocabulary];
            for (int v = 0; v < vocabulary; v++) {
                logits[v] = sharpness * r.nextGaussian();
            }
            return logSoftmax(logits);
        });
    }

    @Override
    public int vocabularySize() {
        return vocabulary;
    }

    @Override
    public Step<List<Integer>> step(List<List<Integer>> states, int[] lastTokens) {
        calls++;
        float[][] logProbs = new float[states.size()][];
        List<List<Integer>> next = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            List<Integer> read = new ArrayList<>(states.get(i));
            read.add(lastTokens[i]);
            next.add(List.copyOf(read));
            logProbs[i] = table.apply(read.subList(1, read.size()));
        }
        return new Step<>(logProbs, next);
    }

    static float[] logs(double[] p) {
        float[] out = new float[p.length];
        for (int v = 0; v < p.length; v++) {
            out[v] = (float) Math.log(p[v]);
        }
        return out;
    }

    private static float[] logSoftmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (double x : logits) {
            sum += Math.exp(x - max);
        }
        float[] out = new float[logits.length];
        for (int v = 0; v < logits.length; v++) {
            out[v] = (float) Math.min(0, logits[v] - max - Math.log(sum));
        }
        return out;
    }
}
