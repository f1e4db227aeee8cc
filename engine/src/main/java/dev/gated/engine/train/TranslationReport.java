package dev.gated.engine.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.config.TranslationConfig;
import dev.gated.engine.data.parallel.EncodedPair;
import dev.gated.engine.data.parallel.PairBatches;
import dev.gated.engine.data.words.TextTokenizer;
import dev.gated.engine.data.words.WordVocabulary;
import dev.gated.engine.decode.Hypothesis;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.metrics.text.Bleu;
import dev.gated.engine.metrics.text.BleuScore;
import dev.gated.engine.metrics.text.ChrF;
import dev.gated.engine.metrics.text.References;
import dev.gated.engine.model.seq2seq.Decoding;
import dev.gated.engine.model.seq2seq.Seq2SeqModel;
import dev.gated.engine.model.seq2seq.Translator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The test split of a translation run: the teacher-forced loss, the sentences translated greedily and with beam
 * search, corpus BLEU (13a tokenisation, as sacreBLEU computes it) and chrF of each, and of the naive baseline that
 * copies the source sentence; {@code translations.tsv} with every sentence and {@code attention.json} with the
 * attention weights of the first few. References are read with the run's tokenizer and joined with spaces, the form
 * the model writes (lower-cased and split at punctuation by default), so the scores measure words, not casing.
 */
final class TranslationReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Seq2SeqModel model;
    private final TranslationRecord record;
    private final TranslationConfig config;
    private final TextTokenizer tokenizer;

    TranslationReport(Seq2SeqModel model, TranslationRecord record, TranslationConfig config) {
        this.model = model;
        this.record = record;
        this.config = config;
        this.tokenizer = TextTokenizer.of(record.tokenizer());
    }

    /** The figures go into {@code summary}; returns the files written. */
    List<Path> write(Path runDir, List<EncodedPair> test, Map<String, Double> summary, TrainingListener listener)
            throws IOException {
        List<Path> files = new ArrayList<>();
        if (test.isEmpty()) {
            return files;
        }
        double loss = TranslationTrainer.loss(model, PairBatches.inOrder(test, 32));
        summary.put("test_loss", loss);
        summary.put("test_perplexity", Math.exp(loss));
        List<int[]> sources = new ArrayList<>();
        List<String> references = new ArrayList<>();
        List<String> copies = new ArrayList<>();
        for (EncodedPair p : test) {
            sources.add(p.source());
            references.add(normalise(p.targetText()));
            copies.add(normalise(p.sourceText()));
        }
        Decoding beam = decoding();
        long start = System.nanoTime();
        List<String> greedy = texts(new Translator(model, beam.withBeamWidth(1)).translate(sources));
        double greedySeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        List<Hypothesis> beamHyps = new Translator(model, beam).translate(sources);
        double beamSeconds = (System.nanoTime() - start) / 1e9;
        List<String> beamed = texts(beamHyps);
        List<List<String>> refs = References.oneEach(references);
        Bleu bleu = new Bleu();
        ChrF chrf = new ChrF();
        BleuScore g = bleu.corpusScore(greedy, refs);
        BleuScore b = bleu.corpusScore(beamed, refs);
        BleuScore c = bleu.corpusScore(copies, refs);
        summary.put("test_bleu_greedy", g.score());
        summary.put("test_chrf_greedy", chrf.corpusScore(greedy, refs));
        summary.put("test_bleu_beam", b.score());
        summary.put("test_chrf_beam", chrf.corpusScore(beamed, refs));
        summary.put("test_bleu_copy_source", c.score());
        summary.put("test_chrf_copy_source", chrf.corpusScore(copies, refs));
        summary.put("test_greedy_seconds", greedySeconds);
        summary.put("test_beam_seconds", beamSeconds);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-28s %7s %7s", "", "BLEU", "chrF"));
        lines.add(row("greedy", summary.get("test_bleu_greedy"), summary.get("test_chrf_greedy")));
        lines.add(row("beam " + beam.beamWidth() + ", alpha " + beam.lengthPenalty(), summary.get("test_bleu_beam"),
                summary.get("test_chrf_beam")));
        lines.add(row("copy the source (baseline)", summary.get("test_bleu_copy_source"),
                summary.get("test_chrf_copy_source")));
        for (int i = 0; i < Math.min(3, test.size()); i++) {
            lines.add("  source:    " + test.get(i).sourceText());
            lines.add("  reference: " + test.get(i).targetText());
            lines.add("  beam:      " + beamed.get(i));
        }
        listener.onReport("test split: " + test.size() + " sentences", lines);
        if (b.score() <= c.score()) {
            listener.onWarning("the model's BLEU on the test split does not beat copying the source sentence ("
                    + String.format(Locale.ROOT, "%.2f vs %.2f", b.score(), c.score()) + "): train longer, or on "
                    + "more data");
        }
        Path translations = runDir.resolve(RunFolder.TRANSLATIONS);
        StringBuilder sb = new StringBuilder("line\tsource\treference\tgreedy\tbeam\n");
        for (int i = 0; i < test.size(); i++) {
            EncodedPair p = test.get(i);
            sb.append(p.line()).append('\t').append(tsv(p.sourceText())).append('\t').append(tsv(p.targetText()))
                    .append('\t').append(greedy.get(i)).append('\t').append(beamed.get(i)).append('\n');
        }
        AtomicFiles.write(translations, sb.toString().getBytes(StandardCharsets.UTF_8));
        files.add(translations);
        if (config.attentionPlots() > 0 && model.spec().attention() != dev.gated.engine.model.seq2seq.AttentionKind.NONE) {
            Path attention = runDir.resolve(RunFolder.ATTENTION);
            AtomicFiles.write(attention, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(
                    attentionJson(test, beamHyps, Math.min(config.attentionPlots(), test.size()))));
            files.add(attention);
        }
        return files;
    }

    Decoding decoding() {
        return new Decoding(config.beamWidth(), config.lengthPenalty(), config.maxOutputLength(),
                WordVocabulary.BOS_ID, WordVocabulary.EOS_ID);
    }

    /** {@code {"sentences": [{"line", "source": [...], "output": [..., "<eos>"], "weights": [[...]]}]}}. */
    private ObjectNode attentionJson(List<EncodedPair> test, List<Hypothesis> hyps, int n) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode sentences = root.putArray("sentences");
        Translator translator = new Translator(model, decoding());
        for (int i = 0; i < n; i++) {
            EncodedPair p = test.get(i);
            int[] out = hyps.get(i).tokens();
            float[][] w = translator.attention(p.source(), out);
            ObjectNode s = sentences.addObject();
            s.put("line", p.line());
            ArrayNode src = s.putArray("source");
            if (p.source().length == 0) {
                src.add(WordVocabulary.PAD);
            }
            for (int id : p.source()) {
                src.add(record.sourceVocabulary().word(id));
            }
            ArrayNode o = s.putArray("output");
            for (int id : out) {
                o.add(record.targetVocabulary().word(id));
            }
            o.add(WordVocabulary.EOS);
            ArrayNode rows = s.putArray("weights");
            for (float[] r : w) {
                ArrayNode row = rows.addArray();
                for (float v : r) {
                    row.add(Math.round(v * 1e4) / 1e4);
                }
            }
        }
        return root;
    }

    private List<String> texts(List<Hypothesis> hyps) {
        List<String> out = new ArrayList<>(hyps.size());
        for (Hypothesis h : hyps) {
            out.add(record.decodeTarget(h.tokens(), tokenizer));
        }
        return out;
    }

    /** A text as the model writes it: the run's tokens, detokenized as {@link TranslationRecord#decodeTarget}. */
    String normalise(String text) {
        return tokenizer.detokenize(tokenizer.tokenize(text));
    }

    private static String row(String name, double bleu, double chrf) {
        return String.format(Locale.ROOT, "%-28s %7.2f %7.2f", name, bleu, chrf);
    }

    private static String tsv(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }
}
