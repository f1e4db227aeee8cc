package dev.gated.cli;

import static dev.gated.cli.InspectCommandTest.GRU;
import static dev.gated.cli.InspectCommandTest.LSTM;
import static dev.gated.cli.InspectCommandTest.checkpoint;
import static dev.gated.cli.InspectCommandTest.config;
import static dev.gated.cli.InspectCommandTest.modelTensors;
import static dev.gated.cli.InspectCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.cli.InspectCommandTest.Result;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.io.ElementType;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
    /** What torch.nn.LSTM/GRU called "rnn" plus nn.Linear called "head" have in their state_dict, in order. */
    private static List<String> stateDictNames(RnnSpec spec) {
        List<String> names = new ArrayList<>();
        for (RnnParam p : spec.parameters()) {
            names.add("rnn." + p.name());
        }
        names.add("head.weight");
        names.add("head.bias");
        return names;
    }

    /** A run folder with a best checkpoint at step 50 (seed 1) and a later last one at step 80 (seed 2). */
    private static Path runWithBestAndLast(Path dir, RnnSpec spec, int outputs) throws IOException {
        Path runDir = dir.resolve("runs/job");
        CheckpointStore store = new CheckpointStore(runDir);
        store.save(checkpoint(spec, outputs, 50, 1f, config(spec)), CheckpointStore.Kind.BEST);
        store.save(checkpoint(spec, outputs, 80, 2f, config(spec)), CheckpointStore.Kind.STEP);
        store.save(checkpoint(spec, outputs, 80, 2f, config(spec)), CheckpointStore.Kind.LAST);
        return runDir;
    }

    private static void assertExported(Path file, RnnSpec spec, int outputs, float seed) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, HostTensor> expected = modelTensors(spec, outputs, seed);
        assertEquals(stateDictNames(spec), new ArrayList<>(c.tensors().keySet()));
        for (Map.Entry<String, HostTensor> e : expected.entrySet()) {
            HostTensor t = c.tensor(e.getKey());
            assertEquals(ElementType.F32, t.type(), e.getKey());
            assertEquals(e.getValue().shape(), t.shape(), e.getKey());
            assertArrayEquals(e.getValue().toFloatArray(), t.toFloatArray(), e.getKey());
        }
        assertEquals("gated-model", c.metadata().get("format"));
    }

    @Test
    void exportsTheBestCheckpointsModelByDefault(@TempDir Path dir) throws IOException {
        Path runDir = runWithBestAndLast(dir, LSTM, 2);

        Result r = run("export", runDir.toString(), "--format", "safetensors");
        assertEquals(0, r.code(), r.err());
        Path out = runDir.resolve("export/model.safetensors");
        assertExported(out, LSTM, 2, 1f);
        SafeTensors.Contents c = SafeTensors.read(out);
        assertEquals(18, c.tensors().size());
        assertTrue(c.tensors().keySet().stream().noneMatch(n -> n.contains("exp_avg")), c.tensors().keySet().toString());
        assertEquals("best.safetensors", c.metadata().get("exported_from"));
        assertEquals("50", c.metadata().get("step"));
        assertEquals("lstm", c.metadata().get("cell"));
        assertEquals("0.0123", c.metadata().get("metric.val_loss"));

        assertTrue(r.out().contains("exported " + runDir.resolve("checkpoints/best.safetensors") + " (step 50) to "
                + out), r.out());
        assertTrue(r.out().contains(String.format("18 tensors, %,d parameters, ",
                InspectCommandTest.parameterCount(LSTM, 2)) + "float32: rnn = nn.LSTM(3, 4, num_layers=2, bidirectional=True), head = nn.Linear(8, 2)"), r.out());
        assertTrue(r.out().contains("    from safetensors.torch import load_file\n"
                + "    state_dict = load_file(\"" + out + "\")\n"
                + "    model.load_state_dict(state_dict)\n"), r.out());
        assertEquals("", r.err());

        // The exported model inspects as a gated model, its cell from the metadata.
        Result inspect = run("inspect", out.toString());
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("format: gated model"), inspect.out());
        assertTrue(inspect.out().contains("model: lstm, 2 layers, hidden 4, bidirectional, input 3, output 2"),
                inspect.out());
    }

    @Test
    void checkpointLastAndOutput(@TempDir Path dir) throws IOException {
        Path runDir = runWithBestAndLast(dir, LSTM, 2);
        Path out = dir.resolve("elsewhere/lstm.safetensors");

        Result r = run("export", runDir.toString(), "--format", "safetensors", "--checkpoint", "last",
                "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertExported(out, LSTM, 2, 2f);
        assertEquals("80", SafeTensors.read(out).metadata().get("step"));
        assertFalse(Files.exists(runDir.resolve("export")));

        // A step file by its bare name.
        Path byName = dir.resolve("step.safetensors");
        Result step = run("export", runDir.toString(), "--format=safetensors", "--checkpoint",
                "step-000000080.safetensors", "--output", byName.toString());
        assertEquals(0, step.code(), step.err());
        assertEquals("step-000000080.safetensors", SafeTensors.read(byName).metadata().get("exported_from"));

        // last: a corrupt last.safetensors is passed over for the newest valid step file, with a warning.
        Path last = runDir.resolve("checkpoints/last.safetensors");
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, Arrays.copyOf(bytes, 20));
        Result fallback = run("export", runDir.toString(), "--format", "safetensors", "--checkpoint", "last",
                "--output", out.toString(), "--overwrite");
        assertEquals(0, fallback.code(), fallback.err());
        assertTrue(fallback.err().startsWith("gated export: warning: skipped " + last + ": "), fallback.err());
        assertEquals("step-000000080.safetensors", SafeTensors.read(out).metadata().get("exported_from"));
    }

    @Test
    void gruRunWithOnlyALastCheckpoint(@TempDir Path dir) throws IOException {
        Path runDir = dir.resolve("gru-run");
        new CheckpointStore(runDir).save(checkpoint(GRU, 1, 9, 3f, ""), CheckpointStore.Kind.LAST);

        Result r = run("export", runDir.toString(), "--format", "safetensors");
        assertEquals(0, r.code(), r.err());
        Path out = runDir.resolve("export/model.safetensors");
        assertExported(out, GRU, 1, 3f);
        assertEquals(List.of("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                "head.weight", "head.bias"), new ArrayList<>(SafeTensors.read(out).tensors().keySet()));
        assertEquals(Shape.of(18, 5), SafeTensors.read(out).tensor("rnn.weight_ih_l0").shape());
        assertTrue(r.out().contains("rnn = nn.GRU(5, 6), head = nn.Linear(6, 1)"), r.out());
    }

    @Test
    void aCheckpointFileDirectly(@TempDir Path dir) throws IOException {
        Path runDir = runWithBestAndLast(dir, LSTM, 2);
        Path last = runDir.resolve("checkpoints/last.safetensors");

        Result r = run("export", last.toString(), "--format", "safetensors");
        assertEquals(0, r.code(), r.err());
        assertExported(runDir.resolve("export/model.safetensors"), LSTM, 2, 2f);

        Result both = run("export", last.toString(), "--format", "safetensors", "--checkpoint", "best");
        assertEquals(Gated.USAGE, both.code());
        assertTrue(both.err().contains("leave --checkpoint out"), both.err());
    }

    @Test
    void reordersIntoStateDictOrderAndConvertsToFloat32(@TempDir Path dir) throws IOException {
        Map<String, HostTensor> inOrder = modelTensors(GRU, 1, 4f);
        List<String> names = new ArrayList<>(inOrder.keySet());
        java.util.Collections.reverse(names);
        Map<String, HostTensor> shuffled = new LinkedHashMap<>();
        for (String n : names) {
            HostTensor t = inOrder.get(n);
            shuffled.put(n, HostTensor.ofDoubles(t.shape(), t.toDoubleArray()));
        }
        Checkpoint base = checkpoint(GRU, 1, 9, 4f, "");
        Path file = dir.resolve("f64.safetensors");
        CheckpointFiles.write(file, new Checkpoint(shuffled, Map.of(), base.state(), "", Map.of()));

        Path out = dir.resolve("out.safetensors");
        Result r = run("export", file.toString(), "--format", "safetensors", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertExported(out, GRU, 1, 4f);
        assertTrue(r.out().contains("float32 (converted from float64)"), r.out());
    }

    @Test
    void batchNormBuffersAreExportedWithTheirCountAsInt64(@TempDir Path dir) throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>(modelTensors(GRU, 1, 4f));
        int hidden = tensors.get("head.weight").shape().dim(1);
        tensors.put("batch_norms.0.weight", HostTensor.ofFloats(Shape.of(hidden), new float[hidden]));
        tensors.put("batch_norms.0.bias", HostTensor.ofFloats(Shape.of(hidden), new float[hidden]));
        tensors.put("batch_norms.0.running_mean", HostTensor.ofFloats(Shape.of(hidden), new float[hidden]));
        tensors.put("batch_norms.0.running_var", HostTensor.ofFloats(Shape.of(hidden), new float[hidden]));
        tensors.put("batch_norms.0.num_batches_tracked", HostTensor.ofLongs(Shape.of(), new long[] {42}));
        Checkpoint base = checkpoint(GRU, 1, 9, 4f, "");
        Path file = dir.resolve("bn.safetensors");
        CheckpointFiles.write(file, new Checkpoint(tensors, Map.of(), base.state(), "", Map.of()));

        Path out = dir.resolve("out.safetensors");
        Result r = run("export", file.toString(), "--format", "safetensors", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        HostTensor count = SafeTensors.read(out).tensor("batch_norms.0.num_batches_tracked");
        assertEquals(ElementType.I64, count.type());
        assertEquals(42, count.toLongArray()[0]);
        assertEquals(ElementType.F32, SafeTensors.read(out).tensor("batch_norms.0.running_var").type());
    }

    @Test
    void refusesToOverwriteWithoutOverwrite(@TempDir Path dir) throws IOException {
        Path runDir = runWithBestAndLast(dir, LSTM, 2);
        Path out = runDir.resolve("export/model.safetensors");
        Files.createDirectories(out.getParent());
        byte[] existing = "precious".getBytes(StandardCharsets.UTF_8);
        Files.write(out, existing);

        Result r = run("export", runDir.toString(), "--format", "safetensors");
        assertEquals(Gated.USAGE, r.code());
        assertEquals("gated export: error: " + out + " already exists; pass --overwrite to replace it",
                r.err().strip());
        assertArrayEquals(existing, Files.readAllBytes(out));

        Result again = run("export", runDir.toString(), "--format", "safetensors", "--overwrite");
        assertEquals(0, again.code(), again.err());
        assertExported(out, LSTM, 2, 1f);
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary files are left behind");
        }

        // Never onto the checkpoint itself, even with --overwrite.
        Path best = runDir.resolve("checkpoints/best.safetensors");
        byte[] before = Files.readAllBytes(best);
        Result self = run("export", runDir.toString(), "--format", "safetensors", "--output", best.toString(),
                "--overwrite");
        assertEquals(Gated.USAGE, self.code());
        assertTrue(self.err().contains("is the checkpoint being exported"), self.err());
        assertArrayEquals(before, Files.readAllBytes(best));
    }

    @Test
    void errorsAreOneLineAndNameTheFile(@TempDir Path dir) throws IOException {
        Path runDir = runWithBestAndLast(dir, LSTM, 2);
        Path best = runDir.resolve("checkpoints/best.safetensors");
        byte[] bytes = Files.readAllBytes(best);
        Files.write(best, Arrays.copyOf(bytes, bytes.length - 100));

        Result r = run("export", runDir.toString(), "--format", "safetensors");
        assertEquals(Gated.DATA, r.code());
        assertTrue(r.err().startsWith("gated export: error: checkpoint " + best + ": "), r.err());
        assertTrue(r.err().contains("truncated"), r.err());
        assertTrue(r.err().contains("--checkpoint last"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(runDir.resolve("export/model.safetensors")));

        Result truncatedFile = run("export", best.toString(), "--format", "safetensors", "--output",
                dir.resolve("x.safetensors").toString());
        assertEquals(Gated.DATA, truncatedFile.code());
        assertTrue(truncatedFile.err().contains(best.toString()), truncatedFile.err());

        Result noBest = run("export", dir.resolve("nothing").toString(), "--format", "safetensors");
        assertEquals(Gated.USAGE, noBest.code());
        assertTrue(noBest.err().contains("no such run folder or checkpoint file"), noBest.err());

        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        Result none = run("export", empty.toString(), "--format", "safetensors");
        assertEquals(Gated.USAGE, none.code());
        assertTrue(none.err().contains("has no usable checkpoint"), none.err());
        Result noneBest = run("export", empty.toString(), "--format", "safetensors", "--checkpoint", "best");
        assertEquals(Gated.USAGE, noneBest.code());
        assertTrue(noneBest.err().contains("has no best checkpoint"), noneBest.err());
    }

    @Test
    void aModelWithTensorsPyTorchWouldNotLoadIsRefused(@TempDir Path dir) throws IOException {
        Map<String, HostTensor> model = new LinkedHashMap<>(modelTensors(GRU, 1, 1f));
        model.put("extra.weight", InspectCommandTest.tensor(Shape.of(2), 0));
        Checkpoint base = checkpoint(GRU, 1, 9, 1f, "");
        Path file = dir.resolve("odd.safetensors");
        CheckpointFiles.write(file, new Checkpoint(model, Map.of(), base.state(), "", Map.of()));

        Path out = dir.resolve("out.safetensors");
        Result r = run("export", file.toString(), "--format", "safetensors", "--output", out.toString());
        assertEquals(Gated.DATA, r.code());
        assertTrue(r.err().contains("unexpected extra.weight [2]"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void formatIsRequiredAndKnown(@TempDir Path dir) throws IOException {
        Path runDir = runWithBestAndLast(dir, GRU, 1);
        Result tflite = run("export", runDir.toString(), "--format", "tflite");
        assertEquals(Gated.USAGE, tflite.code());
        assertTrue(tflite.err().contains("safetensors, onnx"), tflite.err());
        Result missing = run("export", runDir.toString());
        assertEquals(Gated.USAGE, missing.code());
        assertTrue(missing.err().contains("--format"), missing.err());
        // ONNX needs what the run recorded (job.yaml, preprocessing.json), not only checkpoints.
        Result onnx = run("export", runDir.toString(), "--format", "onnx");
        assertEquals(Gated.USAGE, onnx.code());
        assertTrue(onnx.err().contains("job.yaml"), onnx.err());
        Result file = run("export", runDir.resolve("checkpoints").resolve(CheckpointStore.BEST_FILE).toString(),
                "--format", "onnx");
        assertEquals(Gated.USAGE, file.code());
        assertTrue(file.err().contains("needs the run folder"), file.err());
    }

    /** A tiny classifier trained for real: exported, the graph's inputs and outputs printed; --overwrite honoured. */
    @Test
    void exportsATrainedRunToOnnx(@TempDir Path dir) throws IOException {
        Path job = trainedJob(dir, "waveforms", """
                model: {cell: lstm, hidden: 4, layers: 2, bidirectional: true, layer_norm: true}
                task: {kind: classify}
                """);
        Path runDir = dir.resolve("runs/waveforms");
        Result r = run("export", runDir.toString(), "--format", "onnx", "--checkpoint", "model");
        assertEquals(0, r.code(), r.err());
        Path out = runDir.resolve("export/model.onnx");
        byte[] bytes = Files.readAllBytes(out);
        // A ModelProto starts with ir_version (field 1, varint 8) and names its producer.
        assertEquals(0x08, bytes[0]);
        assertEquals(8, bytes[1]);
        assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).contains("gated-onnx"));
        for (String s : new String[] {"input  x: float32 [steps, batch, 2]", "input  sequence_lens: int32 [batch]",
                "output logits: float32 [batch, 3]", "output probabilities: float32 [batch, 3]",
                "ort.InferenceSession", "{\"x\": x, \"sequence_lens\": sequence_lens}"}) {
            assertTrue(r.out().contains(s), s + " missing from\n" + r.out());
        }
        Result again = run("export", job.toString(), "--format", "onnx");
        assertEquals(Gated.USAGE, again.code());
        assertTrue(again.err().contains("--overwrite"), again.err());
        assertEquals(0, run("export", job.toString(), "--format", "onnx", "--overwrite").code());
    }

    @Test
    void aModelOnnxCannotExpressIsRefusedNamingTheOption(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("series.csv"), "t,y\n" + java.util.stream.IntStream.range(0, 60)
                .mapToObj(i -> i + "," + Math.sin(i / 3.0) + "\n").collect(java.util.stream.Collectors.joining()));
        Path job = dir.resolve("recursive.yaml");
        Files.writeString(job, """
                data: {kind: csv, path: series.csv, target_columns: [y], window: 6, horizon: 2}
                task: {kind: forecast}
                forecast: {strategy: recursive}
                model: {hidden: 3}
                training: {steps: 2, batch_size: 8}
                output: {dir: %s, name: recursive}
                """.formatted(dir.resolve("runs")));
        assertEquals(0, run("train", job.toString(), "--device", "cpu").code());
        Result r = run("export", job.toString(), "--format", "onnx");
        assertEquals(Gated.USAGE, r.code());
        assertTrue(r.err().contains("cannot export to ONNX: forecast.strategy: recursive"), r.err());
        assertFalse(Files.exists(dir.resolve("runs/recursive/export/model.onnx")));
    }

    /** Trains {@code name} on the classify example's data for a few steps (CPU) and returns its job file. */
    private static Path trainedJob(Path dir, String name, String sections) throws IOException {
        Path data = Path.of("..", "examples", "classify", "waveforms.csv").toAbsolutePath().normalize();
        Path job = dir.resolve(name + ".yaml");
        Files.writeString(job, "data: {kind: sequences, path: " + data + ", sequence_column: sequence, "
                + "input_columns: [x1, x2], label_column: label}\n" + sections
                + "training: {steps: 3, batch_size: 16, seed: 1}\noutput: {dir: " + dir.resolve("runs") + ", name: "
                + name + "}\n");
        Result t = run("train", job.toString(), "--device", "cpu");
        assertEquals(0, t.code(), t.err());
        return job;
    }

    @Test
    void helpDescribesTheCommand() {
        Result r = run("export", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: gated export"), r.out());
        for (String s : new String[] {"--format", "--checkpoint", "--output", "--overwrite", "RUN", "safetensors",
                "onnx", "best|last|model|FILE"}) {
            assertTrue(r.out().contains(s), s + " missing from\n" + r.out());
        }
    }
}
