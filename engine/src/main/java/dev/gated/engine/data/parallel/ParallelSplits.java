package dev.gated.engine.data.parallel;

import java.util.List;

/**
 * The sentence pairs of a translation job, each part in file order: training pairs within {@code data.max_length}
 * on both sides; validation and test pairs all of them, their ids cut to the limit.
 */
public record ParallelSplits(List<EncodedPair> train, List<EncodedPair> validation, List<EncodedPair> test) {
    public ParallelSplits {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }
}
