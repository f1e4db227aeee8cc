package dev.gated.engine.data.words;

import java.util.Arrays;

/**
 * One encoded sentence, unpadded.
 *
 * @param ids       the word ids, {@code <bos>} and {@code <eos>} included when asked for
 * @param length    {@code ids.length}: the true length, for the batch's sequence lengths
 * @param truncated whether tokens were cut to fit the maximum length
 * @param unknown   how many of the kept tokens became {@code <unk>}
 */
public record Encoded(int[] ids, int length, boolean truncated, int unknown) {
    public Encoded {
        ids = ids.clone();
        if (length != ids.length) {
            throw new IllegalArgumentException("length: expected ids.length = " + ids.length + ", got " + length);
        }
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoded e && Arrays.equals(ids, e.ids) && truncated == e.truncated
                && unknown == e.unknown;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + Boolean.hashCode(truncated) * 7 + unknown;
    }

    @Override
    public String toString() {
        return "Encoded(" + Arrays.toString(ids) + (truncated ? ", truncated" : "") + ", " + unknown + " unknown)";
    }
}
