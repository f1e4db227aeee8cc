package dev.gated.engine.data.parallel;

import java.util.Arrays;
import java.util.Objects;

/**
 * One sentence pair: token ids without {@code <bos>} or {@code <eos>} (the batch adds them); an empty source or
 * target is an empty array.
 *
 * @param line       the 1-based line of the file the row starts on
 * @param sourceText the source cell as written
 * @param targetText the target cell as written (the reference translation, in full even when {@code target} is
 *                   cut to {@code data.max_length})
 * @param source     source word ids in the source vocabulary
 * @param target     target word ids in the target vocabulary
 */
public record EncodedPair(int line, String sourceText, String targetText, int[] source, int[] target) {
    public EncodedPair {
        Objects.requireNonNull(sourceText, "sourceText");
        Objects.requireNonNull(targetText, "targetText");
        source = source.clone();
        target = target.clone();
    }

    @Override
    public int[] source() {
        return source.clone();
    }

    @Override
    public int[] target() {
        return target.clone();
    }

    /** {@code source().length}, without the copy. */
    public int sourceLength() {
        return source.length;
    }

    /** {@code target().length}, without the copy. */
    public int targetLength() {
        return target.length;
    }

    /** Source id {@code t}, without the copy. */
    public int sourceId(int t) {
        return source[t];
    }

    /** Target id {@code t}, without the copy. */
    public int targetId(int t) {
        return target[t];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedPair p && line == p.line && sourceText.equals(p.sourceText)
                && targetText.equals(p.targetText) && Arrays.equals(source, p.source) && Arrays.equals(target, p.target);
    }

    @Override
    public int hashCode() {
        return ((line * 31 + sourceText.hashCode()) * 31 + targetText.hashCode()) * 31 + Arrays.hashCode(source) * 7
                + Arrays.hashCode(target);
    }

    @Override
    public String toString() {
        return "EncodedPair(line " + line + ", " + Arrays.toString(source) + " -> " + Arrays.toString(target) + ")";
    }
}
