package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.checkpoint.TrainingState;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    /** A 2-layer bidirectional LSTM, input 3, hidden 4, with a head of 2 outputs. */
    static final RnnSpec LSTM = new RnnSpec(CellType.LSTM, 3, 4, 2, true, DType.FLOAT32);
    /** A 1-layer GRU, input 5, hidden 6, with a head of 1 output. */
    static final RnnSpec GRU = new RnnSpec(CellType.GRU, 5, 6, 1, false, DType.FLOAT32);

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Gated.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The model tensors PyTorch's state_dict has, in its order, with values that differ per tensor and seed. */
    static Map<String, HostTensor> modelTensors(RnnSpec spec, int outputs, float seed) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        int k = 0;
        for (RnnParam p : spec.parameters()) {
            m.put("rnn." + p.name(), tensor(p.shape(), seed + k++));
        }
        m.put("head.weight", tensor(Shape.of(outputs, spec.outputSize()), seed + k++));
        m.put("head.bias", tensor(Shape.of(outputs), seed + k));
        return m;
    }

    static HostTensor tensor(Shape shape, float base) {
        float[] v = new float[shape.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = base + i * 0.001f;
        }
        return HostTensor.ofFloats(shape, v);
    }

    static String config(RnnSpec spec) {
        return "data:\n  kind: csv\n  path: data.csv\nmodel:\n  cell: " + spec.cell() + "\n  layers: "
                + spec.numLayers() + "\n  hidden: " + spec.hiddenSize() + "\n  bidirectional: " + spec.bidirectional()
                + "\n  dropout: 0.0\n  head: linear\ntraining:\n  optimizer: adam\n  learning_rate: 0.001\n";
    }

    static Checkpoint checkpoint(RnnSpec spec, int outputs, long step, float seed, String config) {
        Map<String, HostTensor> model = modelTensors(spec, outputs, seed);
        Map<String, HostTensor> optimizer = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : model.entrySet()) {
            optimizer.put("exp_avg." + e.getKey(), tensor(e.getValue().shape(), -seed));
            optimizer.put("exp_avg_sq." + e.getKey(), tensor(e.getValue().shape(), seed * 2));
        }
        TrainingState state = new TrainingState(step, 3, 4, new long[] {7, -8}, "adam", step, 0.001);
        return new Checkpoint(model, optimizer, state, config, Map.of("val_loss", "0.0123"));
    }

    static long parameterCount(RnnSpec spec, int outputs) {
        return spec.parameterCount() + (long) outputs * spec.outputSize() + outputs;
    }

    /** Lines with runs of spaces collapsed, for matching aligned columns. */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            out.add(l.strip().replaceAll(" +", " "));
        }
        return out;
    }

    @Test
    void checkpointShowsSpecTrainingStateAndTensors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ck.safetensors");
        CheckpointFiles.write(file, checkpoint(LSTM, 2, 120, 0.5f, config(LSTM)));

        Result r = run("inspect", file.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = lines(r.out());
        assertTrue(lines.contains("file: " + file), r.out());
        assertTrue(lines.contains("format: gated checkpoint v1"), r.out());
        assertTrue(lines.contains("model: lstm, 2 layers, hidden 4, bidirectional, input 3, output 2, float32"),
                r.out());
        assertTrue(lines.contains("cell from the config; sizes from the tensor shapes"), r.out());
        assertTrue(lines.contains("pytorch: rnn = nn.LSTM(3, 4, num_layers=2, bidirectional=True), "
                + "head = nn.Linear(8, 2)"), r.out());
        assertTrue(lines.contains(String.format("parameters: %,d (rnn %,d, head %,d)", parameterCount(LSTM, 2),
                LSTM.parameterCount(), 2 * 8 + 2)), r.out());
        assertTrue(lines.contains("step: 120"), r.out());
        assertTrue(lines.contains("epoch: 3 (4 batches of it done)"), r.out());
        assertTrue(lines.contains("optimizer: adam (its step 120), learning rate 0.001"), r.out());
        assertTrue(lines.contains("metrics: val_loss=0.0123"), r.out());
        assertTrue(lines.contains("tensors: 54 (18 model, 36 optimizer)"), r.out());
        assertTrue(lines.contains("size: " + String.format("%,d", Files.size(file)) + " bytes ("
                + InspectCommand.humanBytes(Files.size(file)) + ")"), r.out());
        assertFalse(r.out().contains("does not load"), r.out());
        assertFalse(r.out().contains("note:"), r.out());

        // Every tensor, model first in state_dict order, then the optimizer's.
        List<String> tensorLines = lines.subList(lines.indexOf("tensors: 54 (18 model, 36 optimizer)") + 1,
                lines.size());
        assertEquals(54, tensorLines.size(), r.out());
        assertEquals("rnn.weight_ih_l0 F32 [16, 3]", tensorLines.get(0));
        assertEquals("rnn.weight_hh_l0 F32 [16, 4]", tensorLines.get(1));
        assertEquals("rnn.bias_ih_l0 F32 [16]", tensorLines.get(2));
        assertEquals("rnn.weight_ih_l0_reverse F32 [16, 3]", tensorLines.get(4));
        assertEquals("rnn.weight_ih_l1 F32 [16, 8]", tensorLines.get(8));
        assertEquals("rnn.bias_hh_l1_reverse F32 [16]", tensorLines.get(15));
        assertEquals("head.weight F32 [2, 8]", tensorLines.get(16));
        assertEquals("head.bias F32 [2]", tensorLines.get(17));
        assertEquals("optimizer.exp_avg.rnn.weight_ih_l0 F32 [16, 3]", tensorLines.get(18));
        assertEquals("optimizer.exp_avg_sq.head.bias F32 [2]", tensorLines.get(53));
    }

    @Test
    void gruWithoutConfigTakesTheCellFromTheShapes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("gru.safetensors");
        CheckpointFiles.write(file, checkpoint(GRU, 1, 5, 1f, ""));

        Result r = run("inspect", file.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = lines(r.out());
        assertTrue(lines.contains("model: gru, 1 layer, hidden 6, unidirectional, input 5, output 1, float32"),
                r.out());
        assertTrue(lines.contains("cell from the tensor shapes; sizes from the tensor shapes"), r.out());
        assertTrue(lines.contains("pytorch: rnn = nn.GRU(5, 6), head = nn.Linear(6, 1)"), r.out());
        assertTrue(lines.contains("rnn.weight_ih_l0 F32 [18, 5]"), r.out());
        assertTrue(lines.contains("rnn.weight_hh_l0 F32 [18, 6]"), r.out());
        assertTrue(lines.contains(String.format("parameters: %,d (rnn %,d, head 7)", parameterCount(GRU, 1),
                GRU.parameterCount())), r.out());
    }

    @Test
    void aConfigThatDisagreesWithTheTensorsIsPointedOut(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ck.safetensors");
        CheckpointFiles.write(file, checkpoint(GRU, 1, 5, 1f, config(LSTM)));

        Result r = run("inspect", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("note: the config says lstm but rnn.weight_hh_l0 has 3H rows, which is gru"),
                r.out());
        assertTrue(r.out().contains("note: the config says hidden 4 but the tensors have 6"), r.out());
        assertTrue(r.out().contains("does not load into that model: wrong shapes: rnn.weight_ih_l0 is [18, 5], "
                + "expected [24, 5]"), r.out());
    }

    @Test
    void jsonHasEveryField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ck.safetensors");
        CheckpointFiles.write(file, checkpoint(LSTM, 2, 120, 0.5f, config(LSTM)));

        Result r = run("inspect", file.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(file.toString(), j.get("file").asText());
        assertEquals(Files.size(file), j.get("size_bytes").asLong());
        assertEquals("gated-checkpoint", j.get("format").asText());
        assertEquals(1, j.get("format_version").asInt());
        JsonNode model = j.get("model");
        assertEquals("lstm", model.get("cell").asText());
        assertEquals("config", model.get("cell_source").asText());
        assertEquals(2, model.get("layers").asInt());
        assertEquals(4, model.get("hidden_size").asInt());
        assertTrue(model.get("bidirectional").asBoolean());
        assertEquals(3, model.get("input_size").asInt());
        assertEquals(2, model.get("output_size").asInt());
        assertTrue(model.get("matches_pytorch_layout").asBoolean());
        assertEquals(parameterCount(LSTM, 2), j.get("parameter_count").asLong());
        JsonNode training = j.get("training");
        assertEquals(120, training.get("step").asLong());
        assertEquals(3, training.get("epoch").asInt());
        assertEquals(4, training.get("batch_in_epoch").asLong());
        assertEquals("adam", training.get("optimizer").asText());
        assertEquals(0.001, training.get("learning_rate").asDouble());
        assertEquals("0.0123", j.get("metrics").get("val_loss").asText());
        JsonNode tensors = j.get("tensors");
        assertEquals(54, tensors.size());
        assertEquals("rnn.weight_ih_l0", tensors.get(0).get("name").asText());
        assertEquals("model", tensors.get(0).get("group").asText());
        assertEquals("F32", tensors.get(0).get("dtype").asText());
        assertEquals("[16,3]", tensors.get(0).get("shape").toString());
        assertEquals("optimizer", tensors.get(18).get("group").asText());
        assertFalse(tensors.get(0).has("stats"));
    }

    @Test
    void tensorsOptionAddsValueStatistics(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.safetensors");
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("a", HostTensor.ofFloats(Shape.of(4), new float[] {1, 2, Float.NaN, 3}));
        SafeTensors.write(file, m);

        Result text = run("inspect", "--tensors", file.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(lines(text.out()).contains("a F32 [4] min 1.00000 max 3.00000 mean 2.00000 NaN 1 inf 0"),
                text.out());
        Result json = run("inspect", "--tensors", "--json", file.toString());
        JsonNode stats = new ObjectMapper().readTree(json.out()).get("tensors").get(0).get("stats");
        assertEquals(1.0, stats.get("min").asDouble());
        assertEquals(3.0, stats.get("max").asDouble());
        assertEquals(1, stats.get("nan").asInt());
    }

    @Test
    void runFolderInspectsTheNewestUsableCheckpoint(@TempDir Path dir) throws IOException {
        Path runDir = dir.resolve("runs/demo");
        CheckpointStore store = new CheckpointStore(runDir);
        store.save(checkpoint(LSTM, 2, 100, 0.5f, config(LSTM)), CheckpointStore.Kind.STEP);
        store.save(checkpoint(LSTM, 2, 100, 0.5f, config(LSTM)), CheckpointStore.Kind.LAST);

        Result r = run("inspect", runDir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("file: " + runDir.resolve("checkpoints/last.safetensors")), r.out());
        assertTrue(lines(r.out()).contains("step: 100"), r.out());

        // A corrupt last.safetensors is passed over, as resuming would, and said so.
        Path last = runDir.resolve("checkpoints/last.safetensors");
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        Result fallback = run("inspect", runDir.toString());
        assertEquals(0, fallback.code(), fallback.err());
        assertTrue(fallback.out().startsWith("file: " + store.fileFor(CheckpointStore.Kind.STEP, 100)),
                fallback.out());
        assertTrue(fallback.out().contains("note: skipped " + last + ": "), fallback.out());
    }

    @Test
    void runFolderWithoutCheckpointsInspectsTheModel(@TempDir Path dir) throws IOException {
        Path runDir = dir.resolve("run");
        Files.createDirectories(runDir);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "gated-model");
        metadata.put("cell", "gru");
        metadata.put("step", "42");
        SafeTensors.write(runDir.resolve("model.safetensors"), modelTensors(GRU, 1, 1f), metadata);

        Result r = run("inspect", runDir.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = lines(r.out());
        assertTrue(lines.contains("format: gated model"), r.out());
        assertTrue(lines.contains("cell from the metadata; sizes from the tensor shapes"), r.out());
        assertTrue(lines.contains("metadata: cell=gru, step=42"), r.out());
        assertTrue(lines.contains("tensors: 6"), r.out());
        assertFalse(r.out().contains("note:"), r.out());

        // With a checkpoints/ folder holding nothing usable, the model is inspected and that is said.
        Files.createDirectories(runDir.resolve("checkpoints"));
        Files.write(runDir.resolve("checkpoints/last.safetensors"), new byte[] {1, 2, 3});
        Result noUsable = run("inspect", runDir.toString());
        assertEquals(0, noUsable.code(), noUsable.err());
        assertTrue(noUsable.out().contains("note: skipped " + runDir.resolve("checkpoints/last.safetensors")),
                noUsable.out());
        assertTrue(noUsable.out().contains("; inspecting the final model"), noUsable.out());

        Result empty = run("inspect", dir.resolve("run/..").resolve("nothing").toString());
        assertEquals(Gated.USAGE, empty.code());
        Files.createDirectories(dir.resolve("bare"));
        Result bare = run("inspect", dir.resolve("bare").toString());
        assertEquals(Gated.USAGE, bare.code());
        assertTrue(bare.err().contains("without a usable checkpoint"), bare.err());
    }

    @Test
    void layerNormTensorsOfAModelWithLayerNormAreExpected(@TempDir Path dir) throws IOException {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        modelTensors(LSTM, 2, 0f).forEach((k, v) -> {
            if (k.startsWith("head.")) {
                return;
            }
            m.put(k, v);
        });
        for (int k = 0; k < 2; k++) {
            m.put("layer_norms." + k + ".weight", tensor(Shape.of(8), 1));
            m.put("layer_norms." + k + ".bias", tensor(Shape.of(8), 0));
        }
        m.putAll(modelTensors(LSTM, 2, 0f).entrySet().stream().filter(e -> e.getKey().startsWith("head."))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        Path file = dir.resolve("ln.safetensors");
        SafeTensors.write(file, m, Map.of("format", "pt"));
        Result r = run("inspect", "--json", file.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode model = new ObjectMapper().readTree(r.out()).get("model");
        assertTrue(model.get("matches_pytorch_layout").asBoolean(), r.out());

        // Only one layer's norm: the other's is missing.
        m.remove("layer_norms.1.weight");
        m.remove("layer_norms.1.bias");
        SafeTensors.write(file, m, Map.of("format", "pt"));
        Result half = run("inspect", file.toString());
        assertTrue(half.out().contains("missing layer_norms.1.weight"), half.out());
    }

    @Test
    void batchNormTensorsAndBuffersOfAModelWithBatchNormAreExpected(@TempDir Path dir) throws IOException {
        Map<String, HostTensor> m = new LinkedHashMap<>(modelTensors(LSTM, 2, 0f));
        int input = m.get("rnn.weight_ih_l0").shape().dim(1);
        for (String prefix : List.of("input_norm.", "batch_norms.0.", "batch_norms.1.")) {
            int f = prefix.startsWith("input") ? input : 8;
            m.put(prefix + "weight", tensor(Shape.of(f), 1));
            m.put(prefix + "bias", tensor(Shape.of(f), 0));
            m.put(prefix + "running_mean", tensor(Shape.of(f), 0));
            m.put(prefix + "running_var", tensor(Shape.of(f), 1));
            m.put(prefix + "num_batches_tracked", HostTensor.ofLongs(Shape.of(), new long[] {3}));
        }
        Path file = dir.resolve("bn.safetensors");
        SafeTensors.write(file, m, Map.of("format", "pt"));
        Result r = run("inspect", "--json", file.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode model = new ObjectMapper().readTree(r.out()).get("model");
        assertTrue(model.get("matches_pytorch_layout").asBoolean(), r.out());

        m.remove("batch_norms.1.running_var");
        SafeTensors.write(file, m, Map.of("format", "pt"));
        Result half = run("inspect", file.toString());
        assertTrue(half.out().contains("missing batch_norms.1.running_var"), half.out());
    }

    @Test
    void plainSafetensorsIsInspectedToo(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("weights.safetensors");
        SafeTensors.write(file, modelTensors(LSTM, 2, 0f), Map.of("format", "pt"));

        Result r = run("inspect", file.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = lines(r.out());
        assertTrue(lines.contains("format: plain safetensors (metadata format \"pt\")"), r.out());
        assertTrue(lines.contains("model: lstm, 2 layers, hidden 4, bidirectional, input 3, output 2, float32"),
                r.out());
        assertTrue(lines.contains("cell from the tensor shapes; sizes from the tensor shapes"), r.out());

        Path other = dir.resolve("other.safetensors");
        SafeTensors.write(other, Map.of("x", tensor(Shape.of(2, 2), 0)));
        Result o = run("inspect", other.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("format: plain safetensors\n"), o.out());
        assertTrue(o.out().contains("model: unknown cell, ? layers, hidden ?"), o.out());
        assertTrue(o.out().contains("no rnn.* tensors"), o.out());
    }

    @Test
    void truncatedFilesAreAOneLineErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ck.safetensors");
        CheckpointFiles.write(file, checkpoint(LSTM, 2, 120, 0.5f, config(LSTM)));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        Result r = run("inspect", file.toString());
        assertEquals(Gated.DATA, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("gated inspect: error: "), r.err());
        assertTrue(r.err().contains(file.toString()), r.err());
        assertTrue(r.err().contains("truncated"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        // A checkpoint whose data was changed fails its checksum.
        CheckpointFiles.write(file, checkpoint(LSTM, 2, 120, 0.5f, config(LSTM)));
        bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        Result corrupt = run("inspect", file.toString());
        assertEquals(Gated.DATA, corrupt.code());
        assertTrue(corrupt.err().contains("checksum mismatch"), corrupt.err());

        Result missing = run("inspect", dir.resolve("nope.safetensors").toString());
        assertEquals(Gated.USAGE, missing.code());
        assertTrue(missing.err().contains("nope.safetensors: no such file"), missing.err());
    }

    @Test
    void helpDescribesTheCommand() {
        Result r = run("inspect", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: gated inspect [-hV] [--json] [--tensors] PATH"), r.out());
        Result usage = run("inspect");
        assertEquals(Gated.USAGE, usage.code());
        assertTrue(usage.err().contains("PATH"), usage.err());
    }
}
