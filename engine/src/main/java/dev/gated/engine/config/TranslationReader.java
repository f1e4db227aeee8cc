package dev.gated.engine.config;

import dev.gated.engine.model.Init;
import dev.gated.engine.model.LrSchedule;
import dev.gated.engine.model.Stacking;
import java.util.List;

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

    /**
     * Reports the model and training settings a translation job would not apply (yet), by value, so that a
     * recorded job.yaml (which spells out every default) still loads.
     */
    static void checkJob(ReadContext ctx, SectionReader model, SectionReader training, TaskConfig t, ModelConfig m,
                         TrainingConfig tr) {
        if (t == null || t.kind() != TaskKind.TRANSLATE) {
            return;
        }
        if (m != null) {
            refuse(ctx, model, "model", "dropout", m.dropout().between() > 0);
            refuse(ctx, model, "model", "residual", m.stacking().residual());
            refuse(ctx, model, "model", model.present() && model.field("norm") != null ? "norm" : "layer_norm",
                    m.stacking().norm() != Stacking.Norm.NONE);
            refuse(ctx, model, "model", "input_norm", m.stacking().inputNorm());
            refuse(ctx, model, "model", "init", !m.init().equals(Init.DEFAULT));
        }
        if (tr != null) {
            refuse(ctx, training, "training", "l1", tr.l1() != 0);
            refuse(ctx, training, "training", "l2", tr.l2() != 0);
            refuse(ctx, training, "training", "input_noise", tr.inputNoise() != 0);
            refuse(ctx, training, "training", "clip_grad_value", tr.clipGradValue().isPresent());
            refuse(ctx, training, "training", "curriculum", tr.curriculum().isPresent());
            refuse(ctx, training, "training", "on_nonfinite",
                    tr.health().onNonFinite() != HealthConfig.OnNonFinite.STOP);
            refuse(ctx, training, "training", "lr_schedule", tr.lrSchedule() instanceof LrSchedule.ReduceOnPlateau);
        }
    }

    private static void refuse(ReadContext ctx, SectionReader section, String name, String key, boolean set) {
        if (!set) {
            return;
        }
        Node.Field f = section.present() ? section.field(key) : null;
        ctx.add(new Problem(f != null ? f.keyAt() : section.at(), name + "." + key, "a translation job does not "
                + "apply " + name + "." + key + (key.equals("lr_schedule") ? " reduce_on_plateau" : "") + " yet "
                + "(its encoder-decoder has no dropout between layers, residual, norm, input norm or init options, and its loop clips by "
                + "global norm, stops on a non-finite loss, and has no penalties, input noise, curriculum or "
                + "plateau schedule); remove it"));
    }
}
