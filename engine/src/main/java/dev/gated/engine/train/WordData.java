package dev.gated.engine.train;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.config.DataConfig;
import dev.gated.engine.config.EmbeddingConfig;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.ModelConfig;
import dev.gated.engine.config.TaskKind;
import dev.gated.engine.config.WordsConfig;
import dev.gated.engine.data.sequences.LabeledSequences;
import dev.gated.engine.data.timeseries.CsvParser;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.words.Coverage;
import dev.gated.engine.data.words.Encoded;
import dev.gated.engine.data.words.LabeledTexts;
import dev.gated.engine.data.words.PretrainedEmbeddings;
import dev.gated.engine.data.words.TokenSequences;
import dev.gated.engine.data.words.TextTokenizer;
import dev.gated.engine.data.words.WordVocabulary;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.Embedding;
import dev.gated.engine.model.HeadLoss;
import dev.gated.engine.model.Init;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.SequenceModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The data of a {@code data.kind: words} job: texts and labels from a CSV or TSV file, split by the seeded
 * shuffle that {@code sequences} uses, tokenized, and encoded with a vocabulary built from the <em>training</em>
 * split only (a word seen only in validation or test is {@code <unk>}); texts longer than {@code max_length}
 * tokens lose their end (or start, {@code truncation: start}); a text without a word is one {@code <pad>} step
 * (a zero vector), so it still gets a prediction. With {@code model.embedding.pretrained} the vectors of the
 * vocabulary's words are read ({@link PretrainedEmbeddings}) for the job to write into {@code embedding.weight}.
 *
 * <p>A run reopened for evaluation passes its saved preprocessing: the same tokenizer, classes and vocabulary,
 * and no pre-trained file is read (the weights hold the vectors).
 */
final class WordData {
    /** Below this share of words with a pre-trained vector the job warns. */
    static final double LOW_COVERAGE = 0.5;

    private WordData() {
    }

    /**
     * @param path  the data file, resolved
     * @param saved a trained run's preprocessing, or null to fit it on the training split
     */
    static JobData load(JobConfig config, Path path, Preprocessing saved) {
        DataConfig d = config.data();
        WordsConfig w = d.words().orElseThrow(() -> new IllegalStateException("data.kind words without its keys"));
        Optional<WordsRecord> rec = saved == null ? Optional.empty() : saved.words();
        if (saved != null && rec.isEmpty()) {
            throw new IllegalStateException(path + ": the run's preprocessing has no words section");
        }
        LabeledTexts texts = LabeledTexts.read(path, w.textColumn(), d.labelColumn(), false);
        List<String> classes = saved != null ? saved.classes() : LabeledSequences.sortedClasses(texts.labels());
        int n = texts.size();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = classes.indexOf(texts.labels().get(i));
            if (labels[i] < 0) {
                throw new DataFormatException(path + ":" + texts.lines().get(i) + ": column '" + d.labelColumn()
                        + "': expected one of the run's " + classes.size() + " classes " + CsvParser.quoteAll(classes)
                        + ", found '" + texts.labels().get(i) + "'");
            }
        }
        TextTokenizer tokenizer = TextTokenizer.of(rec.map(WordsRecord::tokenizer).orElse(w.tokenizer()));
        List<List<String>> tokens = new ArrayList<>(n);
        for (String t : texts.texts()) {
            tokens.add(tokenizer.tokenize(t));
        }
        int[][] parts = JobData.shuffledSplit(n, d.split(), config.training().seed());
        WordVocabulary vocab;
        if (rec.isPresent()) {
            vocab = rec.get().vocabulary();
        } else {
            WordVocabulary.Builder b = WordVocabulary.builder();
            for (int i : parts[0]) {
                b.add(tokens.get(i));
            }
            vocab = b.build(w.minCount(), w.maxSize());
        }
        List<String> warnings = new ArrayList<>();
        int[] counts = new int[2];
        int[][] ids = encode(tokens, vocab, d.maxLength(), w.truncation(), counts);
        warnings.addAll(encodingWarnings(n, counts, d, w));
        TokenSequences all = new TokenSequences(ids, labels, classes.size());

        Optional<Coverage> coverage = rec.flatMap(WordsRecord::coverage);
        double[] pretrained = null;
        Optional<EmbeddingConfig> emb = config.model().embedding();
        if (saved == null && emb.isPresent() && emb.get().pretrained().isPresent()) {
            PretrainedEmbeddings p = PretrainedEmbeddings.load(emb.get().pretrained().get(), emb.get().resolvedFormat(),
                    vocab, emb.get().dim(), config.training().seed());
            coverage = Optional.of(p.coverage());
            float[] m = p.matrix();
            pretrained = new double[m.length];
            for (int i = 0; i < m.length; i++) {
                pretrained[i] = m[i];
            }
        }
        WordsRecord words = new WordsRecord(tokenizer.options(), d.maxLength(), w.truncation(), vocab, coverage);
        Preprocessing pre = new Preprocessing(new double[0], new double[0], List.of(), List.of(), classes, List.of(),
                Optional.empty(), Optional.of(words));
        return new JobData(TaskKind.CLASSIFY, all.subset(parts[0]), all.subset(parts[1]), all.subset(parts[2]), pre,
                warnings, null, null, pretrained);
    }

    /** Word ids per text; {@code counts[0]} the texts truncated, {@code counts[1]} those without a word. */
    private static int[][] encode(List<List<String>> tokens, WordVocabulary vocab, Optional<Integer> maxLength,
                                  dev.gated.engine.data.words.Truncation truncation, int[] counts) {
        int limit = maxLength.orElse(WordVocabulary.NO_LIMIT);
        int[][] ids = new int[tokens.size()][];
        for (int i = 0; i < ids.length; i++) {
            Encoded e = vocab.encode(tokens.get(i), limit, false, false, truncation);
            counts[0] += e.truncated() ? 1 : 0;
            if (e.length() == 0) {
                counts[1]++;
                ids[i] = new int[] {WordVocabulary.PAD_ID};
            } else {
                ids[i] = e.ids();
            }
        }
        return ids;
    }

    private static List<String> encodingWarnings(int n, int[] counts, DataConfig d, WordsConfig w) {
        List<String> out = new ArrayList<>();
        if (counts[0] > 0) {
            int m = d.maxLength().orElse(0);
            out.add(counts[0] + " of " + n + " texts were longer than max_length " + m + " tokens; their "
                    + (w.truncation() == dev.gated.engine.data.words.Truncation.END ? "first" : "last") + " " + m
                    + " tokens were kept (data.truncation: " + w.truncation().name().toLowerCase(Locale.ROOT) + ")");
        }
        if (counts[1] > 0) {
            out.add(counts[1] + " of " + n + " texts have no words; each is read as one <pad> step (a zero vector)");
        }
        return out;
    }

    /** The vocabulary and, with pre-trained vectors, their coverage; a warning when few words have a vector. */
    static void report(JobData data, TrainingListener listener) {
        Optional<WordsRecord> w = data.preprocessing().words();
        if (w.isEmpty()) {
            return;
        }
        WordVocabulary v = w.get().vocabulary();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "vocabulary: %d words (4 special tokens included) from the training "
                + "split's %d tokens; %d of them (%.1f%%) are <unk>", v.size(), v.trainingTokens(), v.unknownTokens(),
                v.trainingTokens() == 0 ? 0.0 : 100.0 * v.unknownTokens() / v.trainingTokens()));
        w.get().coverage().ifPresent(c -> lines.add("pre-trained embedding: " + c.summary()));
        listener.onReport("words", lines);
        w.get().coverage().filter(c -> c.fraction() < LOW_COVERAGE).ifPresent(c -> listener.onWarning(
                String.format(Locale.ROOT, "only %.1f%% of the vocabulary's words have a pre-trained vector (%d of "
                        + "%d); the others start from random vectors. Check the tokenizer (lowercase, punctuation) "
                        + "against how the vectors were made", 100 * c.fraction(), c.found(), c.words())));
    }

    /** Texts to predict: the text column of {@code input} (a label column is not needed), read as in training. */
    static TokenSequences readForPrediction(Path input, JobConfig config, Preprocessing pre) {
        WordsRecord rec = pre.words().orElseThrow(() -> new IllegalStateException(
                "the run's preprocessing has no words section"));
        WordsConfig w = config.data().words().orElseThrow();
        LabeledTexts texts = LabeledTexts.read(input, w.textColumn(), config.data().labelColumn(), true);
        TextTokenizer tokenizer = TextTokenizer.of(rec.tokenizer());
        List<List<String>> tokens = new ArrayList<>();
        for (String t : texts.texts()) {
            tokens.add(tokenizer.tokenize(t));
        }
        int[][] ids = encode(tokens, rec.vocabulary(), rec.maxLength(), rec.truncation(), new int[2]);
        int[] none = new int[ids.length];
        java.util.Arrays.fill(none, -1);
        return new TokenSequences(ids, none, pre.classes().size());
    }

    /** A model reading word ids through {@code model.embedding}; the RNN's input size is the embedding's dim. */
    static SequenceModel model(Backend backend, ModelConfig m, WordsRecord words, int outputSize, Objective objective,
                               long seed, Init init, Dropout dropout, HeadLoss loss, DType dtype) {
        EmbeddingConfig e = m.embedding().orElseThrow(() -> new IllegalStateException(
                "data.kind words needs model.embedding"));
        Embedding emb = new Embedding(words.vocabulary().size(), e.dim(), WordVocabulary.PAD_ID, e.freeze());
        return SequenceModel.withEmbedding(backend, emb, TrainingJob.spec(m, e.dim(), dtype), outputSize, objective,
                seed, init, dropout, m.stacking(), loss);
    }
}
