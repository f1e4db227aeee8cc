package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Shape;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.Npy;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gated against PyTorch itself: the peer in {@code ../shared/peers} (libtorch's own LSTM/GRU through DJL)
 * generates weights and data; Gated trains on them as a job ({@code data.kind: npy}, {@code model.init_from} the
 * peer's safetensors, plain SGD, no shuffling) on the CPU backend in float32; the peer trains the same model on the
 * same batches, and every loss and every final weight must agree to a relative 1e-5. Cases: LSTM and GRU x 1 and 2 layers x uni- and bidirectional x fixed
 * and variable lengths.
 *
 * <p>Skipped, with the reason printed, when the peer's jar is not built ({@code -Dgated.peers.jar=PATH} points
 * at another one).
 */
@ExtendWith(PyTorchInteropTest.RequiresPeersJar.class)
class PyTorchInteropTest {
    static final int INPUT = 3;
    static final int HIDDEN = 8;
    static final int OUT = 2;
    static final int N = 16;
    static final int SEQ = 7;
    static final int BATCH = 4;
    /** Three epochs of N / BATCH steps: the peer takes samples (s*B + j) mod N at step s, a job in order. */
    static final int STEPS = 12;
    static final double LR = 0.1;
    static final double TOLERANCE = 1e-5;

    private static final List<String> SUMMARY = new ArrayList<>();

    /** The peer's jar: -Dgated.peers.jar, else ../shared/peers/target/peers.jar next to the repository. */
    static Optional<Path> peersJar() {
        String property = System.getProperty("gated.peers.jar");
        if (property != null && !property.isBlank()) {
            Path p = Path.of(property);
            return Files.isRegularFile(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        }
        // Surefire runs in integration-tests/; from the repository root it is one level less.
        return Stream.of("../../shared/peers/target/peers.jar", "../shared/peers/target/peers.jar")
                .map(Path::of).filter(Files::isRegularFile).map(Path::toAbsolutePath).findFirst();
    }

    static String missingReason() {
        String property = System.getProperty("gated.peers.jar");
        return "PyTorch peer not built: " + (property != null && !property.isBlank()
                ? "-Dgated.peers.jar=" + property + " is not a file"
                : "no " + Path.of("../../shared/peers/target/peers.jar").toAbsolutePath().normalize()
                  + " (build it with 'mvn -B package' in ../shared/peers, or set -Dgated.peers.jar=PATH)");
    }

    /** Disables the whole class, before any of it runs, when the jar is missing, and prints why. */
    static final class RequiresPeersJar implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (context.getTestMethod().isPresent() || context.getTestClass().isEmpty()) {
                return ConditionEvaluationResult.enabled("decided for the whole class");
            }
            return peersJar()
                    .map(p -> ConditionEvaluationResult.enabled("PyTorch peer: " + p))
                    .orElseGet(() -> {
                        String reason = missingReason();
                        System.out.println("SKIPPED " + context.getTestClass().get().getSimpleName() + ": " + reason);
                        return ConditionEvaluationResult.disabled(reason);
                    });
        }
    }

    @AfterAll
    static void summary() {
        System.out.println("PyTorch interop (max relative differences, tolerance " + TOLERANCE + "):");
        SUMMARY.forEach(s -> System.out.println("  " + s));
    }

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (String cell : List.of("lstm", "gru")) {
            for (int layers : new int[] {1, 2}) {
                for (boolean bidirectional : new boolean[] {false, true}) {
                    for (boolean varlen : new boolean[] {false, true}) {
                        list.add(Arguments.of(cell, layers, bidirectional, varlen));
                    }
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} varlen={3}")
    @MethodSource("cases")
    void trainsLikePyTorch(String cell, int layers, boolean bidirectional, boolean varlen, @TempDir Path dir)
            throws Exception {
        long seed = 1000 + 100L * layers + (cell.equals("gru") ? 10 : 0) + (bidirectional ? 2 : 0) + (varlen ? 1 : 0);
        List<String> gen = new ArrayList<>(List.of("gen", "--cell", cell, "--layers", "" + layers,
                "--input", "" + INPUT, "--hidden", "" + HIDDEN, "--out-dim", "" + OUT, "--n", "" + N,
                "--seq", "" + SEQ, "--seed", "" + seed, "--dir", dir.toString()));
        List<String> train = new ArrayList<>(List.of("train", "--cell", cell, "--layers", "" + layers,
                "--hidden", "" + HIDDEN, "--weights", dir.resolve("init.safetensors").toString(),
                "--x", dir.resolve("x.npy").toString(), "--y", dir.resolve("y.npy").toString(),
                "--batch", "" + BATCH, "--steps", "" + STEPS, "--lr", "" + LR,
                "--out", dir.resolve("final.safetensors").toString(), "--losses", dir.resolve("losses.txt").toString()));
        if (varlen) {
            gen.add("--varlen");
            train.addAll(List.of("--lengths", dir.resolve("lengths.npy").toString()));
        }
        if (bidirectional) {
            gen.add("--bidirectional");
            train.add("--bidirectional");
        }
        runPeer(gen, dir.resolve("gen.log"));
        // The peer trains while Gated does.
        Process peer = startPeer(train, dir.resolve("train.log"));

        // Gated runs the same steps as a job: the peer's arrays, its initial weights, plain SGD, no shuffling.
        Files.writeString(dir.resolve("job.yaml"), String.format(Locale.ROOT, """
                data: {kind: npy, path: ., split: [1.0, 0.0, 0.0], standardize: false}
                model: {cell: %s, layers: %d, hidden: %d, bidirectional: %s, init_from: init.safetensors}
                task: {kind: regression}
                training: {optimizer: sgd, learning_rate: %s, batch_size: %d, epochs: %d, shuffle: false, device: cpu}
                output: {dir: %s, name: run, plots: false}
                """, cell, layers, HIDDEN, bidirectional, LR, BATCH, STEPS * BATCH / N, dir.resolve("runs")));
        List<Double> stepLosses = new ArrayList<>();
        TrainingJob.Result result = TrainingJob.run(new TrainingJob.Options(dir.resolve("job.yaml"), List.of(),
                RunFolder.Resume.NEVER, false), new TrainingListener() {
                    @Override
                    public void onStep(Step step) {
                        stepLosses.add(step.loss());
                    }
                }, () -> false);
        assertEquals(STEPS, result.steps());
        double[] losses = stepLosses.stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, double[]> finals = new LinkedHashMap<>();
        CheckpointFiles.read(result.runDir().resolve("checkpoints/last.safetensors")).modelTensors()
                .forEach((name, t) -> finals.put(name, t.toDoubleArray()));

        int rc = waitFor(peer, train, dir.resolve("train.log"));
        assertEquals(0, rc, () -> "peer train failed:\n" + log(dir.resolve("train.log")));
        double[] peerLosses = Files.readAllLines(dir.resolve("losses.txt")).stream()
                .filter(l -> !l.isBlank()).mapToDouble(Double::parseDouble).toArray();
        assertEquals(STEPS, peerLosses.length, "losses.txt lines");
        Map<String, HostTensor> peerFinal = SafeTensors.read(dir.resolve("final.safetensors")).tensors();
        assertEquals(new TreeSet<>(finals.keySet()), new TreeSet<>(peerFinal.keySet()), "final.safetensors names");

        double maxLoss = 0;
        int worstStep = 0;
        for (int s = 0; s < STEPS; s++) {
            double rel = Math.abs(losses[s] - peerLosses[s]) / Math.abs(peerLosses[s]);
            if (rel > maxLoss) {
                maxLoss = rel;
                worstStep = s;
            }
        }
        double maxWeight = 0;
        String worstTensor = "";
        for (Map.Entry<String, double[]> e : finals.entrySet()) {
            double[] ref = peerFinal.get(e.getKey()).toDoubleArray();
            double[] ours = e.getValue();
            double scale = Arrays.stream(ref).map(Math::abs).max().orElse(0);
            double diff = 0;
            for (int i = 0; i < ref.length; i++) {
                diff = Math.max(diff, Math.abs(ours[i] - ref[i]));
            }
            double rel = diff / scale;
            if (rel > maxWeight) {
                maxWeight = rel;
                worstTensor = e.getKey();
            }
        }
        String line = String.format(Locale.ROOT, "%-4s layers=%d bidirectional=%-5s varlen=%-5s loss %.2e (step %d)"
                        + "  weights %.2e (%s)", cell, layers, bidirectional, varlen, maxLoss, worstStep, maxWeight,
                worstTensor);
        System.out.println("interop " + line);
        SUMMARY.add(line);
        double fMaxLoss = maxLoss;
        double fMaxWeight = maxWeight;
        assertTrue(maxLoss <= TOLERANCE, () -> "loss differs from PyTorch's by " + fMaxLoss + " relative; Gated "
                + Arrays.toString(losses) + ", PyTorch " + Arrays.toString(peerLosses));
        assertTrue(maxWeight <= TOLERANCE, () -> "final weights differ from PyTorch's by " + fMaxWeight
                + " of the tensor's max abs: " + line);
    }

    // ---- running the peer ----

    private static Process startPeer(List<String> args, Path logFile) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(peersJar().orElseThrow(() -> new IllegalStateException(missingReason())).toString());
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    }

    private static int waitFor(Process p, List<String> args, Path logFile) throws Exception {
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("peer " + args.get(0) + " did not finish in 180 s:\n" + log(logFile));
        }
        return p.exitValue();
    }

    private static void runPeer(List<String> args, Path logFile) throws Exception {
        int rc = waitFor(startPeer(args, logFile), args, logFile);
        assertEquals(0, rc, () -> "peer " + String.join(" ", args) + " failed:\n" + log(logFile));
    }

    private static String log(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
