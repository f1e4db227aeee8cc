package dev.gated.engine.config;

import java.util.Optional;

/** Reads {@code training.tbptt} into a {@link TbpttConfig} and checks it against the rest of the job. */
final class TbpttReader {
    private static final String KEY = "training.tbptt";
    private final ReadContext ctx;

    TbpttReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    /** Empty when left out (or null); null after a problem. */
    Optional<TbpttConfig> read(SectionReader training) {
        SectionReader s = training.sub("tbptt");
        if (!s.present()) {
            return s.givenNotMapping() ? null : Optional.empty();
        }
        int before = ctx.problemCount();
        Optional<Long> forward = s.optionalLong("forward", 1, Integer.MAX_VALUE);
        if (s.field("forward") == null) {
            s.missingKey("forward", "an integer >= 1, the time steps each optimizer step reads per stream (K1)");
        }
        Optional<Long> backward = s.optionalLong("backward", 1, Integer.MAX_VALUE);
        if (forward.isPresent() && backward.isPresent() && backward.get() > forward.get()) {
            ctx.add(new Problem(s.field("backward").value().at(), KEY + ".backward", "the gradient can flow back "
                    + "through at most the steps a chunk reads: expected an integer in [1, forward = "
                    + forward.get() + "], found " + backward.get()));
        }
        s.reportUnknownKeys();
        if (ctx.problemCount() > before || forward.isEmpty()) {
            return null;
        }
        int k1 = forward.get().intValue();
        return Optional.of(new TbpttConfig(k1, backward.map(Long::intValue).orElse(k1)));
    }

    /**
     * Refuses tbptt where the engine does not carry a state: other tasks and data kinds than a character language
     * model on {@code data.kind: text}, a bidirectional RNN, and the options that would change a chunk's steps.
     */
    static void checkJob(ReadContext ctx, SectionReader training, SectionReader model, TaskConfig t, DataConfig d,
                         ModelConfig m, TrainingConfig tr) {
        if (tr == null || tr.tbptt().isEmpty()) {
            return;
        }
        Location at = training.field("tbptt") != null ? training.field("tbptt").keyAt() : training.at();
        if (t != null && t.kind() != TaskKind.LANGUAGE_MODEL || d != null && d.kind() != DataKind.TEXT) {
            ctx.add(new Problem(at, KEY, "truncated BPTT carries the state through one long sequence: it applies "
                    + "only to task.kind language_model with data.kind text, found task.kind "
                    + (t == null ? "?" : JobReader.key(t.kind())) + " with data.kind "
                    + (d == null ? "?" : JobReader.key(d.kind())) + "; remove training.tbptt"));
        }
        if (m != null && m.bidirectional()) {
            Node.Field f = model.field("bidirectional");
            ctx.add(new Problem(f != null ? f.value().at() : at, KEY, "a bidirectional RNN's backward direction "
                    + "would need the steps after each chunk, which a carried state cannot give: with training.tbptt "
                    + "expected model.bidirectional: false"));
        }
        refuse(ctx, training, at, "curriculum", tr.curriculum().isPresent(), "cuts every batch to a length");
        refuse(ctx, training, at, "input_noise", tr.inputNoise() != 0, "adds noise to one-hot characters");
        refuse(ctx, training, at, "bucketing", tr.bucketing().isPresent(), "reorders independent sequences");
    }

    private static void refuse(ReadContext ctx, SectionReader training, Location tbptt, String key, boolean set,
                               String why) {
        if (set) {
            Node.Field f = training.field(key);
            ctx.add(new Problem(f != null ? f.keyAt() : tbptt, "training." + key, "training." + key + " " + why
                    + ", which the chunks of training.tbptt (every stream advancing by the same steps, in text "
                    + "order) do not allow; remove one of them"));
        }
    }
}
