package dev.gated.engine.train;

import dev.gated.engine.config.DataConfig;
import dev.gated.engine.config.EmbeddingConfig;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.ParallelConfig;
import dev.gated.engine.data.parallel.EncodedPair;
import dev.gated.engine.data.parallel.ParallelSplits;
import dev.gated.engine.data.timeseries.CsvParser;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.words.Coverage;
import dev.gated.engine.data.words.PretrainedEmbeddings;
import dev.gated.engine.data.words.Truncation;
import dev.gated.engine.data.words.TextTokenizer;
import dev.gated.engine.data.words.WordVocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data of a {@code data.kind: parallel} job: sentence pairs from a CSV or TSV file (tab-separated when the
 * name ends in {@code .tsv}; read as {@code words} reads its texts), split by the seeded shuffle of
 * {@code sequences} and {@code words}, tokenized with one tokenizer, each side encoded with its own vocabulary.
 *
 * <ul>
 *   <li>The vocabularies come from the training pairs that are trained on (a word seen only in validation or test,
 *       or only in a training pair left out for its length, is {@code <unk>}), with the same
 *       {@code data.vocabulary} limits for each side.</li>
 *   <li>With {@code data.max_length}, a training pair with more tokens than that on either side is left out of
 *       training (a note says how many); a validation or test pair is kept, its source and target ids cut to the
 *       limit (the end goes: the target ids feed the validation loss) and its target text kept in full (the
 *       reference a translation is scored against).</li>
 *   <li>An empty source cell is allowed (no source ids: one {@code <pad>} step in a batch), and so is an empty
 *       target (the decoder must say just {@code <eos>}). A row with fewer or more cells than the header is an
 *       error naming the file and line; a column not in the header one naming the header's columns.</li>
 *   <li>With {@code model.embedding.pretrained} the vectors of the source vocabulary's words are read
 *       ({@link PretrainedEmbeddings}, as for {@code words}).</li>
 * </ul>
 *
 * <p>A run reopened for evaluation or translation passes its saved preprocessing: the same tokenizer and
 * vocabularies, and no pre-trained file is read (the weights hold the vectors).
 */
public final class TranslationData {
    private TranslationData() {
    }

    /**
     * @param path  the data file, resolved
     * @param saved a trained run's preprocessing, or null to fit the vocabularies on the training split
     * @throws DataFormatException naming the file (and line and column where there is one): no such file, a
     *         missing column, a ragged row, no training pair left within {@code max_length}
     */
    public static TranslationCorpus load(JobConfig config, Path path, Preprocessing saved) {
        DataConfig d = config.data();
        ParallelConfig p = d.parallel().orElseThrow(() -> new IllegalStateException(
                "data.kind parallel without its keys"));
        Optional<TranslationRecord> rec = saved == null ? Optional.empty() : saved.translation();
        if (saved != null && rec.isEmpty()) {
            throw new IllegalStateException(path + ": the run's preprocessing has no translation section");
        }
        CsvParser.Table table = CsvParser.readDelimitedTable(path);
        int sourceCol = table.column(p.sourceColumn());
        int targetCol = table.column(p.targetColumn());
        TextTokenizer tokenizer = TextTokenizer.of(rec.map(TranslationRecord::tokenizer).orElse(p.tokenizer()));
        Optional<Integer> maxLength = rec.isPresent() ? rec.get().maxLength() : d.maxLength();
        int limit = maxLength.orElse(WordVocabulary.NO_LIMIT);
        List<CsvParser.Record> rows = table.rows();
        int n = rows.size();
        List<List<String>> sources = new ArrayList<>(n);
        List<List<String>> targets = new ArrayList<>(n);
        int emptySources = 0;
        int emptyTargets = 0;
        for (CsvParser.Record r : rows) {
            List<String> s = tokenizer.tokenize(r.fields().get(sourceCol));
            List<String> t = tokenizer.tokenize(r.fields().get(targetCol));
            emptySources += s.isEmpty() ? 1 : 0;
            emptyTargets += t.isEmpty() ? 1 : 0;
            sources.add(s);
            targets.add(t);
        }
        int[][] parts = JobData.shuffledSplit(n, d.split(), config.training().seed());
        List<Integer> kept = new ArrayList<>(parts[0].length);
        for (int i : parts[0]) {
            if (sources.get(i).size() <= limit && targets.get(i).size() <= limit) {
                kept.add(i);
            }
        }
        List<String> notes = new ArrayList<>();
        int dropped = parts[0].length - kept.size();
        if (kept.isEmpty()) {
            throw new DataFormatException(path + ": expected training pairs with at most max_length " + limit
                    + " tokens on each side, found none of the training split's " + parts[0].length
                    + " (raise data.max_length or leave it out)");
        }
        if (dropped > 0) {
            notes.add(dropped + " of " + parts[0].length + " training pairs have more than max_length " + limit
                    + " tokens on one side or both and are left out of training");
        }
        WordVocabulary sourceVocab;
        WordVocabulary targetVocab;
        if (rec.isPresent()) {
            sourceVocab = rec.get().sourceVocabulary();
            targetVocab = rec.get().targetVocabulary();
        } else {
            WordVocabulary.Builder sb = WordVocabulary.builder();
            WordVocabulary.Builder tb = WordVocabulary.builder();
            for (int i : kept) {
                sb.add(sources.get(i));
                tb.add(targets.get(i));
            }
            sourceVocab = sb.build(p.minCount(), p.maxSize());
            targetVocab = tb.build(p.minCount(), p.maxSize());
        }
        int[] cut = new int[1];
        List<EncodedPair> train = new ArrayList<>(kept.size());
        for (int i : kept) {
            train.add(pair(rows.get(i), sourceCol, targetCol, sources.get(i), targets.get(i), sourceVocab, targetVocab,
                    limit, cut));
        }
        cut[0] = 0;
        List<List<EncodedPair>> held = new ArrayList<>();
        int heldOut = 0;
        for (int k = 1; k <= 2; k++) {
            List<EncodedPair> part = new ArrayList<>(parts[k].length);
            for (int i : parts[k]) {
                part.add(pair(rows.get(i), sourceCol, targetCol, sources.get(i), targets.get(i), sourceVocab,
                        targetVocab, limit, cut));
            }
            heldOut += parts[k].length;
            held.add(part);
        }
        if (cut[0] > 0) {
            notes.add(cut[0] + " of " + heldOut + " validation and test pairs have more than max_length " + limit
                    + " tokens on one side or both; their ids were cut to the first " + limit + " tokens (the "
                    + "reference text is kept in full for scoring)");
        }
        if (emptySources > 0) {
            notes.add(emptySources + " of " + n + " pairs have an empty source; each is read as one <pad> step");
        }
        if (emptyTargets > 0) {
            notes.add(emptyTargets + " of " + n + " pairs have an empty target; the decoder learns to say just <eos>");
        }

        Optional<Coverage> coverage = rec.flatMap(TranslationRecord::coverage);
        Optional<float[]> pretrained = Optional.empty();
        Optional<EmbeddingConfig> emb = config.model().embedding();
        if (saved == null && emb.isPresent() && emb.get().pretrained().isPresent()) {
            PretrainedEmbeddings pe = PretrainedEmbeddings.load(emb.get().pretrained().get(),
                    emb.get().resolvedFormat(), sourceVocab, emb.get().dim(), config.training().seed());
            coverage = Optional.of(pe.coverage());
            pretrained = Optional.of(pe.matrix());
        }
        TranslationRecord record = new TranslationRecord(tokenizer.options(), maxLength, sourceVocab, targetVocab,
                coverage);
        return new TranslationCorpus(tokenizer, sourceVocab, targetVocab,
                new ParallelSplits(train, held.get(0), held.get(1)), record, pretrained, coverage, notes);
    }

    /** The pair of row {@code r}, each side cut to {@code limit} ids; {@code cut[0]} counts the pairs cut. */
    private static EncodedPair pair(CsvParser.Record r, int sourceCol, int targetCol, List<String> source,
                                    List<String> target, WordVocabulary sourceVocab, WordVocabulary targetVocab,
                                    int limit, int[] cut) {
        cut[0] += source.size() > limit || target.size() > limit ? 1 : 0;
        return new EncodedPair(r.line(), r.fields().get(sourceCol), r.fields().get(targetCol),
                sourceVocab.encode(source, limit, false, false, Truncation.END).ids(),
                targetVocab.encode(target, limit, false, false, Truncation.END).ids());
    }
}
