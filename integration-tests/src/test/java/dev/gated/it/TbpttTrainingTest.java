package dev.gated.it;

import static dev.gated.engine.model.ModelGradientCheck.assertGradients;
import static dev.gated.engine.model.ModelGradientCheck.gradients;
import static dev.gated.engine.model.ModelGradientCheck.perturbLayerNorms;
import static dev.gated.it.InProcessRuns.assertSameMetrics;
import static dev.gated.it.InProcessRuns.assertSameTensors;
import static dev.gated.it.InProcessRuns.assertStopAndResumeBitIdentical;
import static dev.gated.it.InProcessRuns.run;
import static dev.gated.it.InProcessRuns.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.config.TbpttConfig;
import dev.gated.engine.data.text.CharCorpus;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.Init;
import dev.gated.engine.model.LmBatches;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.model.Stacking;
import dev.gated.engine.model.StatefulStreams;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.train.JobData;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Truncated BPTT on the CPU backend: a chunk's gradients against finite differences in float64 (the carried state a
 * constant), one whole-text chunk equal to ordinary training on that text, and a run stopped in the middle of the
 * text and resumed ending bit-identical to an uninterrupted one.
 */
class TbpttTrainingTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}, {1} layers, layer stack {2}")
    @CsvSource({"LSTM, 1, false", "GRU, 2, false", "LSTM, 2, true", "GRU, 2, true"})
    void aChunksGradientsMatchFiniteDifferencesInFloat64(CellType cell, int layers, boolean stack) {
        SequenceBatch first = LmBatches.random(5, 3, 21);
        SequenceBatch chunk = LmBatches.random(4, 3, 22);
        RnnSpec spec = new RnnSpec(cell, LmBatches.INPUT, 3, layers, false, DType.FLOAT64);
        try (CpuBackend cpu = new CpuBackend(2);
             SequenceModel m = new SequenceModel(cpu, spec, LmBatches.V, Objective.LANGUAGE_MODEL, 4, Init.DEFAULT,
                     Dropout.NONE, new Stacking(stack, stack));
             StatefulStreams s = new StatefulStreams(m, 3)) {
            perturbLayerNorms(m, new SplittableRandom(5));
            s.advance(first);
            Map<String, HostTensor> carried = s.export();
            s.forwardBackward(chunk, 0);
            // As StackedLayersCpuTest: this backend's central differences need eps 1e-7 and 1e-5 relative.
            assertGradients(m, gradients(m), mm -> {
                s.restore(carried, "test");
                return s.evaluate(chunk).loss();
            }, 1e-7, 1e-5);
        }
    }

    @Test
    void oneChunkOfTheWholeTextIsOrdinaryTrainingOnIt() throws IOException {
        // 201 characters: 4 streams of 50 pairs are exactly the 4 windows of 50 (stride 50), in order.
        Path text = TbpttJobs.text(tmp, 201);
        String data = "  window: 50\n  split: [1.0, 0.0, 0.0]\n";
        String model = "  cell: lstm\n  layers: 2\n  hidden: 8\n  dropout: {between: 0.2}\n";
        String training = "  batch_size: 4\n  epochs: 4\n  shuffle: false\n";
        List<TrainingListener.Step> plain = new ArrayList<>();
        List<TrainingListener.Step> chunked = new ArrayList<>();
        TrainingJob.Result a = run(TbpttJobs.job(tmp, "plain", text, data, model, training), "plain",
                RunFolder.Resume.NEVER, 0, new ArrayList<>(), plain);
        TrainingJob.Result b = run(TbpttJobs.job(tmp, "tbptt", text, data, model, training
                + "  tbptt: {forward: 50}\n"), "tbptt", RunFolder.Resume.NEVER, 0, new ArrayList<>(), chunked);
        assertEquals(4, a.steps());
        assertEquals(a.steps(), b.steps());
        assertEquals(plain.stream().map(TrainingListener.Step::loss).toList(),
                chunked.stream().map(TrainingListener.Step::loss).toList());
        assertSameTensors("model.safetensors", weights(a.runDir()), weights(b.runDir()));
    }

    static Stream<Arguments> resumable() {
        return Stream.of(
                Arguments.of("lstm, 2 layers, layer norm, residual, dropout between and output",
                        "  cell: lstm\n  layers: 2\n  hidden: 12\n  layer_norm: true\n  residual: true\n"
                                + "  dropout: {between: 0.2, output: 0.1}\n", "  tbptt: {forward: 20, backward: 12}\n"),
                Arguments.of("gru, 2 layers, fused", "  cell: gru\n  layers: 2\n  hidden: 12\n",
                        "  tbptt: {forward: 16}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resumable")
    void aRunStoppedInTheMiddleOfTheTextResumesBitIdentical(String name, String model, String tbptt)
            throws IOException {
        Path text = TbpttJobs.text(tmp, 4000);
        Path job = TbpttJobs.job(tmp, "resume", text, "  split: [0.9, 0.05, 0.05]\n", model,
                "  batch_size: 5\n  epochs: 2\n  checkpoint_every_steps: 9\n" + tbptt);
        TrainingJob.Result a = run(job, "a", RunFolder.Resume.NEVER, 0);
        assertTrue(a.finished());
        long perEpoch = a.steps() / 2;
        assertTrue(perEpoch > 20, "enough chunks per epoch to stop in the middle, got " + perEpoch);
        // Stop in the middle of epoch 2's text: the checkpoint holds the streams' state after that chunk.
        long stopAt = perEpoch + perEpoch / 2;
        TrainingJob.Result b = assertStopAndResumeBitIdentical(job, "b", stopAt, a);
        assertSameMetrics(a.runDir(), b.runDir(), List.of("train_loss", "val_loss", "val_accuracy", "grad_norm"));
        Map<String, HostTensor> state = CheckpointFiles.read(a.runDir().resolve("checkpoints/last.safetensors"))
                .optimizerTensors();
        assertTrue(state.containsKey("tbptt.h.0"), state.keySet()::toString);
        assertTrue(Arrays.stream(state.get("tbptt.h.0").toDoubleArray()).anyMatch(v -> v != 0), "a carried state");
        assertTrue(a.summary().get("test_loss") < Math.log(60), "the model learnt something: " + a.summary());
    }

    @Test
    void theBibleExampleReadsItsGzippedTextAndHas626StepsPerEpoch() {
        Path job = TbpttJobs.NOVEL.resolveSibling("kjv-tbptt.yaml");
        JobConfig c = JobFiles.load(job).withPathsResolved(job.toAbsolutePath().getParent());
        assertEquals(Optional.of(new TbpttConfig(100, 100)), c.training().tbptt());
        JobData data = JobData.load(c, job.toAbsolutePath().getParent());
        CharCorpus train = (CharCorpus) data.train();
        assertTrue(train.textLength() > 4_000_000, "the training text has " + train.textLength() + " characters");
        // Every character of the text but the few seen only after the training part.
        assertTrue(data.preprocessing().vocabulary().size() > 90, data.preprocessing().vocabulary()::toString);
        long perStream = (train.textLength() - 1) / c.training().batchSize();
        assertEquals(626, (perStream + 99) / 100);
    }
}
