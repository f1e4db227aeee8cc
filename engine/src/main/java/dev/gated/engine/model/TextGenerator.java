package dev.gated.engine.model;

import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.text.CharCorpus;
import dev.gated.engine.data.text.CharVocabulary;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Samples text from a character-level language model: the prompt is run through the RNN once, then one character
 * at a time is drawn from softmax(logits / temperature), restricted to the {@code topK} most likely when
 * {@code topK > 0}, and fed back with the recurrent state carried over (no re-reading of the text so far).
 */
public final class TextGenerator {
    private TextGenerator() {
    }

    /**
     * @param prompt      the text to continue: at least one character, all in the model's vocabulary
     * @param length      characters to generate after the prompt, {@code >= 0}
     * @param temperature {@code > 0}: higher is more varied; 0 always takes the most likely character
     * @param topK        sample among the k most likely characters; 0 for all
     * @param seed        the sampling seed: the same seed gives the same text
     * @return the prompt followed by the generated characters
     */
    public static String generate(SequenceModel model, CharVocabulary vocabulary, String prompt, int length,
                                  double temperature, int topK, long seed) {
        if (model.objective() != Objective.LANGUAGE_MODEL) {
            throw new IllegalArgumentException("generate: the model is a " + model.objective().name()
                    .toLowerCase(java.util.Locale.ROOT) + " model, not a language model");
        }
        if (vocabulary.size() != model.outputSize()) {
            throw new IllegalArgumentException("generate: the vocabulary has " + vocabulary.size()
                    + " characters, the model predicts " + model.outputSize());
        }
        if (prompt == null || prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt: expected at least one character, got an empty prompt");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length: expected >= 0, got " + length);
        }
        if (!(temperature >= 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature: expected a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k: expected >= 0 (0 = all characters), got " + topK);
        }
        int v = vocabulary.size();
        int[] ids = vocabulary.encode(prompt, "prompt");
        SplittableRandom rnd = new SplittableRandom(seed);
        StringBuilder out = new StringBuilder(prompt);
        try (SequenceModel.State state = model.newState(1)) {
            float[] logits = model.predictNext(promptBatch(model, ids, v), state);
            for (int i = 0; i < length; i++) {
                int next = sample(logits, temperature, topK, rnd);
                out.append(vocabulary.decode(new int[] {next}));
                logits = model.predictNext(promptBatch(model, new int[] {next}, v), state);
            }
        }
        return out.toString();
    }

    /** One sequence of ids: token ids for a model with an embedding, one-hot rows for one without. */
    private static SequenceBatch promptBatch(SequenceModel model, int[] ids, int v) {
        if (model.embedding().isEmpty()) {
            return CharCorpus.promptBatch(ids, v);
        }
        return SequenceBatch.ofTokens(ids.length, 1, v, ids.clone(), new int[] {ids.length}, new int[ids.length]);
    }

    /** Index drawn from softmax(logits / temperature) over the top k; argmax when temperature is 0. */
    static int sample(float[] logits, double temperature, int topK, SplittableRandom rnd) {
        int n = logits.length;
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (temperature == 0) {
            return best;
        }
        double cutoff = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < n) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            cutoff = sorted[n - topK];
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = logits[i] >= cutoff ? Math.exp((logits[i] - logits[best]) / temperature) : 0;
            sum += p[i];
        }
        double u = rnd.nextDouble() * sum;
        for (int i = 0; i < n; i++) {
            u -= p[i];
            if (u < 0) {
                return i;
            }
        }
        return best;
    }
}
