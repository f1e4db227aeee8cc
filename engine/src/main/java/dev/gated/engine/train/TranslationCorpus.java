package dev.gated.engine.train;

import dev.gated.engine.data.parallel.ParallelSplits;
import dev.gated.engine.data.words.Coverage;
import dev.gated.engine.data.words.TextTokenizer;
import dev.gated.engine.data.words.WordVocabulary;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The data of a translation job, as {@link TranslationData#load} read it.
 *
 * @param tokenizer         the one tokenizer of both sides
 * @param sourceVocabulary  the source words of the training split ({@code <pad>}=0, {@code <unk>}=1, {@code <bos>}=2,
 *                          {@code <eos>}=3 first)
 * @param targetVocabulary  the target words of the training split, the same specials first
 * @param splits            the encoded pairs of the three parts
 * @param record            what {@code preprocessing.json} keeps under {@code translation}
 * @param pretrainedSource  with {@code model.embedding.pretrained} (and no saved run): the source embedding matrix,
 *                          [sourceVocabulary.size() * dim] row-major, row k the vector of word k (row 0, {@code <pad>},
 *                          zeros), for the job to write into the encoder's embedding
 * @param coverage          how much of the source vocabulary the pre-trained vectors cover (also a saved run's)
 * @param notes             lines for the job to print: training pairs left out for their length, validation and
 *                          test pairs cut to {@code max_length}, pairs with an empty side
 */
public record TranslationCorpus(TextTokenizer tokenizer, WordVocabulary sourceVocabulary,
                                WordVocabulary targetVocabulary, ParallelSplits splits, TranslationRecord record,
                                Optional<float[]> pretrainedSource, Optional<Coverage> coverage, List<String> notes) {
    public TranslationCorpus {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(sourceVocabulary, "sourceVocabulary");
        Objects.requireNonNull(targetVocabulary, "targetVocabulary");
        Objects.requireNonNull(splits, "splits");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(pretrainedSource, "pretrainedSource");
        Objects.requireNonNull(coverage, "coverage");
        notes = List.copyOf(notes);
    }

    /** The run's preprocessing: {@link #record} under {@code translation}, nothing else. */
    public Preprocessing preprocessing() {
        return Preprocessing.translation(record);
    }
}
