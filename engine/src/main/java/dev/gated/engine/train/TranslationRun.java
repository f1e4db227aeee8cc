package dev.gated.engine.train;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.config.TaskKind;
import dev.gated.engine.data.words.TextTokenizer;
import dev.gated.engine.data.words.WordVocabulary;
import dev.gated.engine.decode.Hypothesis;
import dev.gated.engine.model.seq2seq.AttentionKind;
import dev.gated.engine.model.seq2seq.Decoding;
import dev.gated.engine.model.seq2seq.Seq2SeqModel;
import dev.gated.engine.model.seq2seq.Translator;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained translation run ready to translate new sentences ({@code gated translate}): the run's tokenizer and
 * vocabularies, its model with the chosen weights, and its decoding settings (beam width and length penalty
 * overridable).
 */
public final class TranslationRun implements AutoCloseable {
    /**
     * One translated sentence.
     *
     * @param sourceTokens the source as the model read it (unknown words shown as {@code <unk>}, cut at max_length)
     * @param outputTokens the translation's tokens, then {@code <eos>} when the decoder finished
     * @param attention    one row per output token over the source tokens; empty without attention
     */
    public record Translation(String source, List<String> sourceTokens, String text, List<String> outputTokens,
                              double logProb, boolean finished, float[][] attention) {
    }

    private final TranslationRecord record;
    private final Seq2SeqModel model;
    private final Translator translator;
    private final TextTokenizer tokenizer;

    private TranslationRun(TranslationRecord record, Seq2SeqModel model, Decoding decoding) {
        this.record = record;
        this.model = model;
        this.translator = new Translator(model, decoding);
        this.tokenizer = TextTokenizer.of(record.tokenizer());
    }

    /**
     * @param beamWidth     null: the job's {@code translation.beam_width}; 1 = greedy
     * @param lengthPenalty null: the job's {@code translation.length_penalty}
     */
    public static TranslationRun open(TrainedRun run, Backend backend, TrainedRun.Weights weights, Integer beamWidth,
                                      Double lengthPenalty) {
        if (run.config().task().kind() != TaskKind.TRANSLATE || run.preprocessing().translation().isEmpty()) {
            throw new IllegalArgumentException(run.runDir() + " is a " + run.config().task().kind().name()
                    .toLowerCase(java.util.Locale.ROOT) + " run, not a translation run (task translate)");
        }
        TranslationRecord record = run.preprocessing().translation().get();
        Seq2SeqModel model = TranslationJob.newModel(backend, run.config(), record, DType.FLOAT32);
        try {
            ModelFiles.load(model, weights.tensors(), weights.file().toString());
            Decoding d = new TranslationReport(model, record, run.config().translation().orElseThrow()).decoding();
            d = new Decoding(beamWidth == null ? d.beamWidth() : beamWidth,
                    lengthPenalty == null ? d.lengthPenalty() : lengthPenalty, d.maxLength(), d.bos(), d.eos());
            return new TranslationRun(record, model, d);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public Decoding decoding() {
        return translator.decoding();
    }

    /** Translates each sentence (an empty one gives an empty or short translation, never an error). */
    public List<Translation> translate(List<String> sentences, boolean withAttention) {
        List<int[]> sources = new ArrayList<>();
        for (String s : sentences) {
            sources.add(record.encodeSource(s, tokenizer));
        }
        List<Hypothesis> hyps = translator.translate(sources);
        List<Translation> out = new ArrayList<>();
        boolean attention = withAttention && model.spec().attention() != AttentionKind.NONE;
        for (int i = 0; i < sentences.size(); i++) {
            Hypothesis h = hyps.get(i);
            List<String> src = new ArrayList<>();
            if (sources.get(i).length == 0) {
                src.add(WordVocabulary.PAD);
            }
            for (int id : sources.get(i)) {
                src.add(record.sourceVocabulary().word(id));
            }
            List<String> words = new ArrayList<>();
            for (int id : h.tokens()) {
                words.add(record.targetVocabulary().word(id));
            }
            if (h.finished()) {
                words.add(WordVocabulary.EOS);
            }
            float[][] weights = attention ? translator.attention(sources.get(i), h.tokens()) : new float[0][];
            if (attention && !h.finished()) {
                // The last row is the step that would read eos; an unfinished hypothesis never took it.
                weights = java.util.Arrays.copyOf(weights, weights.length - 1);
            }
            out.add(new Translation(sentences.get(i), src, record.decodeTarget(h.tokens(), tokenizer), words, h.logProb(),
                    h.finished(), weights));
        }
        return out;
    }

    /** The tokens the run's tokenizer makes of a text (as references are compared). */
    public List<String> tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    @Override
    public void close() {
        model.close();
    }
}
