package dev.gated.engine.config;

import dev.gated.engine.model.seq2seq.AttentionKind;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code translation} section of a job file (task {@code translate} only; the whole section may be left out,
 * and {@link JobConfig#translation()} then holds {@link #defaults}).
 *
 * <table>
 * <caption>translation keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code attention}</td><td>{@code luong | bahdanau | none} ({@link AttentionKind})</td>
 *     <td>{@code luong}</td></tr>
 * <tr><td>{@code teacher_forcing}</td><td>a number in [0, 1], or a mapping {@code {start: x, end: y}} (both in
 *     [0, 1]; {@code start} defaults to 1, {@code end} to {@code start}): the probability that the decoder reads
 *     the reference token rather than its own previous prediction (scheduled sampling), going linearly from
 *     {@code start} to {@code end} over the run's training steps ({@link #teacherForcingAt})</td>
 *     <td>{@value #DEFAULT_TEACHER_FORCING} (plain teacher forcing)</td></tr>
 * <tr><td>{@code beam_width}</td><td>integer &ge; 1 (1: greedy decoding)</td><td>{@value #DEFAULT_BEAM_WIDTH}</td></tr>
 * <tr><td>{@code length_penalty}</td><td>number &ge; 0, GNMT's &alpha;: beam hypotheses are ranked by their
 *     log-probability over ((5 + length) / 6)^&alpha; (0: no penalty)</td><td>{@value #DEFAULT_LENGTH_PENALTY}</td></tr>
 * <tr><td>{@code max_output_length}</td><td>integer &ge; 1: the most tokens a translation may have</td>
 *     <td>{@link #defaultMaxOutputLength}: 2 &times; {@code data.max_length} + 10, or
 *     {@value #DEFAULT_MAX_OUTPUT_LENGTH} without a {@code max_length}</td></tr>
 * <tr><td>{@code attention_plots}</td><td>integer &ge; 0: how many test sentences get an attention plot</td>
 *     <td>{@value #DEFAULT_ATTENTION_PLOTS}</td></tr>
 * </table>
 *
 * @param maxOutputLength resolved: never the "default" placeholder
 */
public record TranslationConfig(AttentionKind attention, double teacherForcingStart, double teacherForcingEnd,
                                int beamWidth, double lengthPenalty, int maxOutputLength, int attentionPlots) {
    public static final AttentionKind DEFAULT_ATTENTION = AttentionKind.LUONG;
    public static final double DEFAULT_TEACHER_FORCING = 1.0;
    public static final int DEFAULT_BEAM_WIDTH = 5;
    public static final double DEFAULT_LENGTH_PENALTY = 0.6;
    /** {@code max_output_length} when {@code data.max_length} is not set. */
    public static final int DEFAULT_MAX_OUTPUT_LENGTH = 100;
    public static final int DEFAULT_ATTENTION_PLOTS = 3;

    public TranslationConfig {
        Objects.requireNonNull(attention, "attention");
        if (!(teacherForcingStart >= 0 && teacherForcingStart <= 1) || !(teacherForcingEnd >= 0
                && teacherForcingEnd <= 1)) {
            throw new IllegalArgumentException("teacher_forcing: expected start and end in [0, 1], got "
                    + teacherForcingStart + ", " + teacherForcingEnd);
        }
        if (beamWidth < 1) {
            throw new IllegalArgumentException("beam_width: expected >= 1, got " + beamWidth);
        }
        if (!(lengthPenalty >= 0) || Double.isInfinite(lengthPenalty)) {
            throw new IllegalArgumentException("length_penalty: expected a finite number >= 0, got " + lengthPenalty);
        }
        if (maxOutputLength < 1) {
            throw new IllegalArgumentException("max_output_length: expected >= 1, got " + maxOutputLength);
        }
        if (attentionPlots < 0) {
            throw new IllegalArgumentException("attention_plots: expected >= 0, got " + attentionPlots);
        }
    }

    /** Every key at its default, {@code max_output_length} from {@code data.max_length}. */
    public static TranslationConfig defaults(Optional<Integer> maxLength) {
        return new TranslationConfig(DEFAULT_ATTENTION, DEFAULT_TEACHER_FORCING, DEFAULT_TEACHER_FORCING,
                DEFAULT_BEAM_WIDTH, DEFAULT_LENGTH_PENALTY, defaultMaxOutputLength(maxLength), DEFAULT_ATTENTION_PLOTS);
    }

    /**
     * 2 &times; {@code maxLength} + 10 (room for a translation longer than its source; capped at
     * {@link Integer#MAX_VALUE}), or {@value #DEFAULT_MAX_OUTPUT_LENGTH} without a limit.
     */
    public static int defaultMaxOutputLength(Optional<Integer> maxLength) {
        return maxLength.map(m -> (int) Math.min(Integer.MAX_VALUE, 2L * m + 10)).orElse(DEFAULT_MAX_OUTPUT_LENGTH);
    }

    /** Whether the teacher-forcing probability changes over the run (scheduled sampling). */
    public boolean scheduledSampling() {
        return teacherForcingStart != teacherForcingEnd;
    }

    /**
     * The teacher-forcing probability at training step {@code step} (0-based) of {@code steps}: {@code start} at
     * step 0 (and for a run of one step), {@code end} at the last step and past it, linear in between.
     */
    public double teacherForcingAt(long step, long steps) {
        if (step <= 0 || steps <= 1) {
            return teacherForcingStart;
        }
        if (step >= steps - 1) {
            return teacherForcingEnd;
        }
        return teacherForcingStart + (teacherForcingEnd - teacherForcingStart) * (step / (double) (steps - 1));
    }
}
