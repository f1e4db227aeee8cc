package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.cli.Gated;
import dev.gated.engine.tune.StudyResults;
import dev.gated.engine.tune.StudyWorker;
import dev.gated.engine.tune.TrialState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers of {@code gated tune} as real, separate JVMs sharing one study folder, as processes, containers or pods
 * do: the coordinator's {@code --workers 2}, two independent {@code --worker} processes, and kill -9 of a worker in
 * the middle of a trial. Whatever happens, each trial number is claimed once and ends once, and the study holds
 * exactly its budget of trials.
 */
class TuneWorkersTest {
    /** SIGKILL: 128 + 9. */
    private static final int KILLED = 137;
    private static final long TIMEOUT_S = 120;

    @TempDir
    Path tmp;

    @Test
    void twoWorkerProcessesOfTheCoordinatorShareTheStudy() throws Exception {
        Path study = TuneStudies.write(tmp, 6, 2, "cpu");
        Finished r = finish(GatedJvm.start(tmp, tmp.resolve("tune.log"), "tune", study.toString(), "--workers", "2"),
                tmp.resolve("tune.log"));
        assertEquals(Gated.OK, r.code(), r::toString);

        Path dir = tmp.resolve(TuneStudies.STUDY_DIR);
        TuneStudies.Journal j = TuneStudies.Journal.read(dir);
        j.assertEveryTrialEndedOnce(6);
        assertEquals(2, j.claimsByWorker().size(), () -> "both workers claimed trials: " + j.claimsByWorker());
        assertTrue(j.claimsByWorker().keySet().stream().allMatch(w -> w.matches("worker-[12]@.*:\\d+")),
                j.claimsByWorker()::toString);
        assertTrue(Files.isRegularFile(dir.resolve(StudyResults.BEST)), "best.yaml");
        assertTrue(r.output().contains("best: trial "), r::toString);
    }

    @Test
    void twoIndependentWorkersStartedAtOnceShareTheStudy() throws Exception {
        Path study = TuneStudies.write(tmp, 6, 2, "cpu");
        Process a = GatedJvm.start(tmp, tmp.resolve("a.log"), "tune", study.toString(), "--worker");
        Process b = GatedJvm.start(tmp, tmp.resolve("b.log"), "tune", study.toString(), "--worker");
        Finished fa = finish(a, tmp.resolve("a.log"));
        Finished fb = finish(b, tmp.resolve("b.log"));
        assertEquals(Gated.OK, fa.code(), fa::toString);
        assertEquals(Gated.OK, fb.code(), fb::toString);

        Path dir = tmp.resolve(TuneStudies.STUDY_DIR);
        TuneStudies.Journal j = TuneStudies.Journal.read(dir);
        j.assertEveryTrialEndedOnce(6);
        assertEquals(2, j.claimsByWorker().size(),
                () -> "both processes claimed trials: " + j.claimsByWorker());
        for (long pid : List.of(a.pid(), b.pid())) {
            assertTrue(j.claimsByWorker().keySet().stream().anyMatch(w -> w.endsWith(":" + pid)),
                    () -> "process " + pid + " claimed trials: " + j.claimsByWorker());
        }
        assertTrue(Files.notExists(dir.resolve(StudyResults.BEST)), "--worker writes no results");

        Finished show = finish(GatedJvm.start(tmp, tmp.resolve("show.log"), "tune", study.toString(), "--show"),
                tmp.resolve("show.log"));
        assertEquals(Gated.OK, show.code(), show::toString);
        assertTrue(Files.isRegularFile(dir.resolve(StudyResults.BEST)), "best.yaml after --show");
        assertEquals(j.records().size(), TuneStudies.Journal.read(dir).records().size(), "--show ran no trial");
    }

    @Test
    void aStudyKilledWithSigkillMidTrialResumesThatTrialFromItsCheckpoint() throws Exception {
        Path study = TuneStudies.write(tmp, 3, 6, "cpu", "checkpoint_every_steps: 5");
        Path dir = tmp.resolve(TuneStudies.STUDY_DIR);
        Path trial1 = dir.resolve(StudyWorker.TRIALS).resolve(StudyWorker.trialName(1));
        Process p = GatedJvm.start(tmp, tmp.resolve("first.log"), "tune", study.toString());
        awaitMidTrial(p, dir, 1, w -> true, trial1, tmp.resolve("first.log"));
        TuneStudies.Journal before = TuneStudies.Journal.read(dir);
        Object jobFileKey = fileKey(trial1.resolve("job.yaml"));
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no checkpoint at the stop
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(KILLED, p.exitValue(), "killed by SIGKILL");
        TuneStudies.Journal killed = TuneStudies.Journal.read(dir);
        assertEquals(TrialState.RUNNING, killed.state().trial(1).orElseThrow().state(), killed::toString);
        Map<Integer, Double> doneBefore = killed.completeValues();
        assertTrue(doneBefore.containsKey(0), () -> "trial 0 was complete before the kill\n" + before);

        Finished again = finish(GatedJvm.start(tmp, tmp.resolve("again.log"), "tune", study.toString()),
                tmp.resolve("again.log"));
        assertEquals(Gated.OK, again.code(), again::toString);
        TuneStudies.Journal after = TuneStudies.Journal.read(dir);
        after.assertEveryTrialEndedOnce(3);
        List<ObjectNode> reclaims = after.ofType("reclaim");
        assertEquals(1, reclaims.size(), after::toString);
        assertEquals(1, reclaims.get(0).path("trial").asInt(), "trial 1 was reclaimed");
        assertEquals(2, after.state().trial(1).orElseThrow().attempts());
        assertTrue(again.output().contains("trial 1 resumed from its checkpoint"), again::toString);
        // Resumed, not started over: a new start writes the run folder's job.yaml anew (a new file).
        assertEquals(jobFileKey, fileKey(trial1.resolve("job.yaml")), "trial 1's run folder was continued");
        assertEquals(6, Files.readAllLines(trial1.resolve("metrics.jsonl")).size(), "one metrics line per epoch");
        doneBefore.forEach((n, v) -> assertEquals(v, after.completeValues().get(n), "trial " + n + " kept its value"));
        assertTrue(Files.isRegularFile(dir.resolve(StudyResults.BEST)), "best.yaml");
    }

    @Test
    void aWorkerOfTheCoordinatorKilledMidTrialIsPickedUpByTheOtherOrARerun() throws Exception {
        Path study = TuneStudies.write(tmp, 4, 6, "cpu", "checkpoint_every_steps: 5");
        Path dir = tmp.resolve(TuneStudies.STUDY_DIR);
        Process coordinator = GatedJvm.start(tmp, tmp.resolve("first.log"), "tune", study.toString(), "--workers",
                "2");
        ProcessHandle child = awaitChild(coordinator);
        int trial = awaitMidTrial(coordinator, dir, -1, w -> w.endsWith(":" + child.pid()), null,
                tmp.resolve("first.log"));
        assertTrue(child.destroyForcibly(), "SIGKILL sent to worker " + child.pid());
        Finished first = finish(coordinator, tmp.resolve("first.log"));
        assertNotEquals(Gated.OK, first.code(), () -> "a worker was killed: the coordinator says so\n" + first);
        assertTrue(first.output().contains("exited with " + KILLED), first::toString);

        Finished again = finish(GatedJvm.start(tmp, tmp.resolve("again.log"), "tune", study.toString(),
                "--workers", "2"), tmp.resolve("again.log"));
        assertEquals(Gated.OK, again.code(), again::toString);
        TuneStudies.Journal after = TuneStudies.Journal.read(dir);
        after.assertEveryTrialEndedOnce(4);
        assertTrue(after.ofType("reclaim").stream().anyMatch(r -> r.path("trial").asInt() == trial),
                () -> "the killed worker's trial " + trial + " was reclaimed\n" + after);
        assertTrue(after.ofType("reclaim").stream().noneMatch(r -> r.path("worker").asText()
                .endsWith(":" + child.pid())));
        assertTrue(Files.isRegularFile(dir.resolve(StudyResults.BEST)), "best.yaml");
    }

    // ---- helpers ----

    private record Finished(int code, String output) {
        @Override
        public String toString() {
            return "exit code " + code + "\n" + output;
        }
    }

    private static Finished finish(Process p, Path log) throws Exception {
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            fail("timed out after " + TIMEOUT_S + " s\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        System.out.println(out);
        return new Finished(p.exitValue(), out);
    }

    /** A worker process of the coordinator (a JVM that it started). */
    private static ProcessHandle awaitChild(Process coordinator) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (System.nanoTime() < deadline && coordinator.isAlive()) {
            Optional<ProcessHandle> c = coordinator.children().findFirst();
            if (c.isPresent()) {
                return c.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the coordinator started no worker process");
    }

    /**
     * Waits until a trial ({@code trial}, or any when -1) claimed by a worker that {@code worker} accepts is still
     * running and its run folder holds a step checkpoint; returns the trial.
     */
    private static int awaitMidTrial(Process p, Path dir, int trial, Predicate<String> worker, Path trialDir, Path log)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(dir.resolve("journal.jsonl"))) {
                TuneStudies.Journal j = TuneStudies.Journal.read(dir);
                for (ObjectNode c : j.ofType("claim")) {
                    int n = c.path("trial").asInt();
                    Path run = trialDir != null ? trialDir : dir.resolve(StudyWorker.TRIALS)
                            .resolve(StudyWorker.trialName(n));
                    if ((trial < 0 || n == trial) && worker.test(c.path("worker").asText())
                            && j.state().trial(n).orElseThrow().state() == TrialState.RUNNING
                            && hasStepCheckpoint(run) && Files.exists(run.resolve("job.yaml"))) {
                        return n;
                    }
                }
            }
            Thread.sleep(50);
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor();
        throw new AssertionError("no trial " + (trial < 0 ? "" : trial + " ") + "of that worker reached a step "
                + "checkpoint while running (trials too short?)\n" + Files.readString(log));
    }

    private static boolean hasStepCheckpoint(Path run) {
        Path checkpoints = run.resolve("checkpoints");
        if (!Files.isDirectory(checkpoints)) {
            return false;
        }
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.anyMatch(f -> f.getFileName().toString().matches("step-\\d+\\.safetensors"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // a file vanished while listing (old checkpoints are pruned)
        }
    }

    private static Object fileKey(Path f) throws IOException {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        return a.fileKey() + "@" + a.lastModifiedTime();
    }
}
