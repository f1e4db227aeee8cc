package dev.gated.engine.config;

import dev.gated.engine.model.seq2seq.AttentionKind;
import java.util.Optional;

/** Reads the {@code translation} section into a {@link TranslationConfig}. */
final class TranslationReader {
    private static final String UNIT = "in [0, 1]";
    private final ReadContext ctx;

    TranslationReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The section's settings (the defaults when it is left out); null after a problem.
     *
     * @param maxLength {@code data.max_length}, for the default {@code max_output_length}
     */
    TranslationConfig read(SectionReader s, Optional<Integer> maxLength) {
        int before = ctx.problemCount();
        AttentionKind attention = s.enumValue("attention", AttentionKind.class, TranslationConfig.DEFAULT_ATTENTION);
        double[] teacherForcing = teacherForcing(s);
        int beamWidth = s.intValue("beam_width", TranslationConfig.DEFAULT_BEAM_WIDTH, 1);
        double lengthPenalty = s.number("length_penalty", TranslationConfig.DEFAULT_LENGTH_PENALTY, x -> x >= 0,
                ">= 0 (GNMT's alpha; 0: no length penalty)");
        int maxOutput = s.intValue("max_output_length", TranslationConfig.defaultMaxOutputLength(maxLength), 1);
        int plots = s.intValue("attention_plots", TranslationConfig.DEFAULT_ATTENTION_PLOTS, 0);
        if (ctx.problemCount() > before || attention == null || teacherForcing == null) {
            return null;
        }
        return new TranslationConfig(attention, teacherForcing[0], teacherForcing[1], beamWidth, lengthPenalty,
                maxOutput, plots);
    }

    /** {start, end}: a number is both; a mapping {start, end} (start default 1, end default start). */
    private double[] teacherForcing(SectionReader s) {
        Node.Field f = s.field("teacher_forcing");
        double d = TranslationConfig.DEFAULT_TEACHER_FORCING;
        if (f == null) {
            return new double[] {d, d};
        }
        if (f.value() instanceof Node.MapNode) {
            SectionReader m = s.sub("teacher_forcing");
            int before = ctx.problemCount();
            Optional<Double> start = m.optionalNumber("start", x -> x >= 0 && x <= 1, UNIT
                    + " (the probability of reading the reference token at the first training step)");
            Optional<Double> end = m.optionalNumber("end", x -> x >= 0 && x <= 1, UNIT
                    + " (the probability of reading the reference token at the last training step)");
            m.reportUnknownKeys();
            if (ctx.problemCount() > before) {
                return null;
            }
            double first = start.orElse(d);
            return new double[] {first, end.orElse(first)};
        }
        Optional<Double> p = s.optionalNumber("teacher_forcing", x -> x >= 0 && x <= 1, UNIT
                + " (the probability that the decoder reads the reference token) or a mapping {start: p, end: q}");
        return p.map(v -> new double[] {v, v}).orElse(null);
    }
}
