package dev.gated.engine.data;

/**
 * A fixed, indexable list of examples that the training loop batches in any order (shuffled or not). Each
 * example is one sequence with its targets; {@link #batch} pads the chosen examples to the longest of them.
 */
public interface Dataset {
    /** Number of examples. */
    int size();

    /** Features per step (I). */
    int inputSize();

    /** The model's output width: target values (regression), classes (classification) or vocabulary size. */
    int outputSize();

    /**
     * The examples {@code indices[0]}, {@code indices[1]}, ... as one batch in that order, padded with zeros to
     * the longest of them.
     *
     * @throws IllegalArgumentException if {@code indices} is empty or an index is out of [0, size())
     */
    SequenceBatch batch(int[] indices);

    /** Steps of example {@code index} (bucketing and curriculum read these; override where it is cheap). */
    default int length(int index) {
        return batch(new int[] {index}).lengths()[0];
    }

    /** Examples [from, to) in order. */
    default SequenceBatch batch(int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return batch(idx);
    }
}
