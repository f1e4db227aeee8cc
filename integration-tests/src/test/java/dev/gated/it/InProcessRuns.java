package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.train.MetricsLog;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Training jobs run in process for the stop-and-resume tests: a run that stops itself after a given step, the
 * weights it saved, and the check that a stopped and resumed run ends exactly like an uninterrupted one.
 */
final class InProcessRuns {
    private InProcessRuns() {
    }

    /** Runs {@code job} as {@code output.name=name}; stops after step {@code stopAtStep} (0: runs to the end). */
    static TrainingJob.Result run(Path job, String name, RunFolder.Resume resume, long stopAtStep) {
        return run(job, name, resume, stopAtStep, new ArrayList<>(), new ArrayList<>());
    }

    /** As {@link #run(Path, String, RunFolder.Resume, long)}, collecting the warnings it reports. */
    static TrainingJob.Result run(Path job, String name, RunFolder.Resume resume, long stopAtStep,
                                  List<String> warnings) {
        return run(job, name, resume, stopAtStep, warnings, new ArrayList<>());
    }

    /** As {@link #run(Path, String, RunFolder.Resume, long)}, collecting the warnings and the steps it reports. */
    static TrainingJob.Result run(Path job, String name, RunFolder.Resume resume, long stopAtStep,
                                  List<String> warnings, List<TrainingListener.Step> steps) {
        AtomicLong step = new AtomicLong();
        return TrainingJob.run(new TrainingJob.Options(job, List.of("output.name=" + name), resume, false),
                new TrainingListener() {
                    @Override
                    public void onStep(Step s) {
                        step.set(s.step());
                        steps.add(s);
                    }

                    @Override
                    public void onWarning(String message) {
                        warnings.add(message);
                    }
                }, () -> stopAtStep > 0 && step.get() == stopAtStep);
    }

    /** The weights a run saved in its {@code model.safetensors}. */
    static Map<String, HostTensor> weights(Path run) throws IOException {
        return SafeTensors.read(run.resolve(RunFolder.MODEL)).tensors();
    }

    /** The same tensor names with bit-identical float values; failures name {@code what} and the tensor. */
    static void assertSameTensors(String what, Map<String, HostTensor> a, Map<String, HostTensor> b) {
        assertEquals(a.keySet(), b.keySet(), what);
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), what + ": " + k);
        }
    }

    /**
     * Runs {@code job} as {@code name}, stopped after step {@code stopAtStep}, then resumes it from its checkpoint
     * (a fresh model, optimizer and trainer): it must finish with {@code uninterrupted}'s step count and
     * bit-identical saved weights. Returns the resumed run.
     */
    static TrainingJob.Result assertStopAndResumeBitIdentical(Path job, String name, long stopAtStep,
                                                             TrainingJob.Result uninterrupted) throws IOException {
        TrainingJob.Result stopped = run(job, name, RunFolder.Resume.NEVER, stopAtStep);
        assertFalse(stopped.finished(), "B was stopped");
        TrainingJob.Result resumed = run(job, name, RunFolder.Resume.REQUIRED, 0);
        assertTrue(resumed.finished());
        assertEquals(uninterrupted.steps(), resumed.steps());
        assertSameTensors("model.safetensors", weights(uninterrupted.runDir()), weights(resumed.runDir()));
        return resumed;
    }

    /** Both runs wrote as many epoch rows, and the rows agree exactly on {@code keys}. */
    static void assertSameMetrics(Path a, Path b, List<String> keys) throws IOException {
        List<Map<String, Double>> ra = MetricsLog.read(a.resolve(MetricsLog.JSONL));
        List<Map<String, Double>> rb = MetricsLog.read(b.resolve(MetricsLog.JSONL));
        assertEquals(ra.size(), rb.size());
        for (int e = 0; e < ra.size(); e++) {
            for (String k : keys) {
                assertEquals(ra.get(e).get(k), rb.get(e).get(k), "epoch " + (e + 1) + " " + k);
            }
        }
    }
}
