package dev.gated.engine.train;

import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.TrainingState;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.EarlyStopping;
import dev.gated.engine.model.LrSchedule;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.SequenceModel;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@link Trainer}'s checkpoints: its loop position as checkpoint metrics and tensors, and back. */
final class TrainerCheckpoints {
    /** Checkpoint metrics that carry the loop's own state across a resume. */
    static final String EPOCH_LOSS_SUM = "epoch_loss_sum";
    static final String EPOCH_EXAMPLES = "epoch_examples";
    static final String BEST_LOSS = "best_loss";
    static final String BEST_EPOCH = "best_epoch";
    static final String EPOCH_GRAD_NORM_SUM = "epoch_grad_norm_sum";
    static final String EPOCH_GRAD_NORM_MAX = "epoch_grad_norm_max";
    static final String SKIPPED = "skipped_batches";
    static final String EPOCH_SKIPPED = "epoch_skipped_batches";
    static final String ROLLBACKS = "rollbacks";
    static final String LR_FACTOR = "nonfinite_lr_factor";

    private TrainerCheckpoints() {
    }

    /** A checkpoint of the loop after {@code pos}: weights, optimizer state (and tbptt's carried state), metrics. */
    static Checkpoint of(Trainer.Position pos, Map<String, String> extra, SequenceModel model, Optimizer optimizer,
                         Trainer.Settings settings, TbpttTraining tbptt) {
        Map<String, String> m = new LinkedHashMap<>(extra);
        m.put(EPOCH_LOSS_SUM, Double.toString(pos.epochLossSum));
        m.put(EPOCH_EXAMPLES, Long.toString(pos.epochExamples));
        m.put(BEST_LOSS, Double.toString(pos.bestLoss));
        m.put(BEST_EPOCH, Integer.toString(pos.bestEpoch));
        m.put(EPOCH_GRAD_NORM_SUM, Double.toString(pos.epochGradNormSum));
        m.put(EPOCH_GRAD_NORM_MAX, Double.toString(pos.epochGradNormMax));
        m.put(SKIPPED, Long.toString(pos.skipped));
        m.put(EPOCH_SKIPPED, Long.toString(pos.epochSkipped));
        m.put(ROLLBACKS, Integer.toString(pos.rollbacks));
        m.put(LR_FACTOR, Double.toString(pos.lrFactor));
        m.putAll(new EarlyStopping.State(pos.badEpochs, pos.stoppedEpoch).toMetadata());
        if (pos.plateau != null) {
            m.putAll(pos.plateau.toMetadata());
        }
        TrainingState state = new TrainingState(pos.step, pos.epoch, pos.batchInEpoch, new long[] {settings.seed()},
                optimizer.settings().kind().key(), optimizer.steps(), optimizer.learningRate());
        Map<String, HostTensor> optimizerState = new LinkedHashMap<>(optimizer.exportState());
        if (tbptt != null) {
            optimizerState.putAll(tbptt.state());
        }
        return new Checkpoint(ModelFiles.snapshot(model), optimizerState, state, settings.config(), m);
    }

    /** Restores the loop position, the weights and the optimizer from a checkpoint. */
    static Trainer.Position restore(Checkpoint c, SequenceModel model, Optimizer optimizer, String source) {
        ModelFiles.load(model, c.modelTensors(), source);
        optimizer.importState(c.optimizerTensors(), c.state().optimizerStep());
        optimizer.setLearningRate(c.state().learningRate());
        Trainer.Position pos = new Trainer.Position();
        pos.step = c.state().step();
        pos.epoch = c.state().epoch();
        pos.batchInEpoch = c.state().batchInEpoch();
        Map<String, String> m = c.metrics();
        pos.epochLossSum = Double.parseDouble(m.getOrDefault(EPOCH_LOSS_SUM, "0"));
        pos.epochExamples = Long.parseLong(m.getOrDefault(EPOCH_EXAMPLES, "0"));
        pos.bestLoss = Double.parseDouble(m.getOrDefault(BEST_LOSS, "Infinity"));
        pos.bestEpoch = Integer.parseInt(m.getOrDefault(BEST_EPOCH, "0"));
        pos.epochGradNormSum = Double.parseDouble(m.getOrDefault(EPOCH_GRAD_NORM_SUM, "0"));
        pos.epochGradNormMax = Double.parseDouble(m.getOrDefault(EPOCH_GRAD_NORM_MAX, "0"));
        EarlyStopping.State.fromMetadata(m).ifPresent(s -> {
            pos.badEpochs = s.badEpochs();
            pos.stoppedEpoch = s.stoppedEpoch();
        });
        pos.plateau = LrSchedule.PlateauState.fromMetadata(m, c.state().learningRate()).orElse(null);
        pos.skipped = Long.parseLong(m.getOrDefault(SKIPPED, "0"));
        pos.epochSkipped = Long.parseLong(m.getOrDefault(EPOCH_SKIPPED, "0"));
        pos.rollbacks = Integer.parseInt(m.getOrDefault(ROLLBACKS, "0"));
        pos.lrFactor = Double.parseDouble(m.getOrDefault(LR_FACTOR, "1"));
        Map<String, HostTensor> carried = TbpttTraining.carried(c.optimizerTensors());
        pos.carried = carried.isEmpty() ? null : carried;
        return pos;
    }
}
