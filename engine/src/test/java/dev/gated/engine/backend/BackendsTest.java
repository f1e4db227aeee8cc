package dev.gated.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.conformance.ReferenceBackend;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Backend selection with fake providers, the small parsers, and RnnSpec's PyTorch-compatible naming. */
class BackendsTest {

    /** A provider whose probe answers what it is told; create() returns a marker backend. */
    private static final class FakeProvider implements BackendProvider {
        final String name;
        final Kind kind;
        final int priority;
        final Availability availability;
        final Backend backend = new ReferenceBackend();
        int created;

        FakeProvider(String name, Kind kind, int priority, Availability availability) {
            this.name = name;
            this.kind = kind;
            this.priority = priority;
            this.availability = availability;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Kind kind() {
            return kind;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Availability probe() {
            return availability;
        }

        @Override
        public Backend create() {
            created++;
            return backend;
        }

        Backends.Probe probed() {
            return new Backends.Probe(this, probe());
        }
    }

    private static FakeProvider gpu(boolean usable, String detail) {
        return new FakeProvider("cuda", BackendProvider.Kind.GPU, 100,
                usable ? BackendProvider.Availability.yes(detail) : BackendProvider.Availability.no(detail));
    }

    private static FakeProvider cpu() {
        return new FakeProvider("cpu", BackendProvider.Kind.CPU, 0,
                BackendProvider.Availability.yes("pure Java, 2 threads"));
    }

    @Test
    void autoPrefersAUsableGpu() {
        FakeProvider g = gpu(true, "NVIDIA H100, cuDNN 9.1");
        FakeProvider c = cpu();
        Backends.Selection s = Backends.select(DeviceMode.AUTO, List.of(g.probed(), c.probed()));
        assertSame(g.backend, s.backend());
        assertEquals(0, c.created, "the CPU backend must not be created");
        assertTrue(s.reason().contains("NVIDIA H100, cuDNN 9.1"), s.reason());
    }

    @Test
    void autoFallsBackToCpuAndSaysWhatTheGpuProbeFound() {
        FakeProvider g = gpu(false, "libcudnn.so.9 not found");
        FakeProvider c = cpu();
        Backends.Selection s = Backends.select(DeviceMode.AUTO, List.of(g.probed(), c.probed()));
        assertSame(c.backend, s.backend());
        assertEquals(0, g.created, "an unusable GPU backend must not be created");
        assertTrue(s.reason().contains("libcudnn.so.9 not found"), s.reason());
        assertTrue(s.reason().contains("cuda"), s.reason());
        assertTrue(s.reason().contains("auto"), s.reason());
    }

    @Test
    void autoWithOnlyTheCpuModule() {
        FakeProvider c = cpu();
        Backends.Selection s = Backends.select(DeviceMode.AUTO, List.of(c.probed()));
        assertSame(c.backend, s.backend());
    }

    @Test
    void gpuModeWithoutAUsableGpuNamesTheMissingPiece() {
        FakeProvider g = gpu(false, "no CUDA driver (libcuda.so.1 not found)");
        FakeProvider c = cpu();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select(DeviceMode.GPU, List.of(g.probed(), c.probed())));
        assertTrue(e.getMessage().contains("libcuda.so.1 not found"), e.getMessage());
        assertTrue(e.getMessage().contains("gpu"), e.getMessage());
        assertEquals(0, c.created, "gpu mode must not fall back to the CPU");
    }

    @Test
    void gpuModeWithoutAGpuModule() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select(DeviceMode.GPU, List.of(cpu().probed())));
        assertTrue(e.getMessage().contains("gpu"), e.getMessage());
        assertTrue(e.getMessage().contains("cpu"), "the message lists what was found: " + e.getMessage());
    }

    @Test
    void gpuModeWithAUsableGpu() {
        FakeProvider g = gpu(true, "NVIDIA H200");
        Backends.Selection s = Backends.select(DeviceMode.GPU, List.of(g.probed(), cpu().probed()));
        assertSame(g.backend, s.backend());
    }

    @Test
    void cpuModeUsesTheCpuEvenWithAUsableGpu() {
        FakeProvider g = gpu(true, "NVIDIA H100");
        FakeProvider c = cpu();
        Backends.Selection s = Backends.select(DeviceMode.CPU, List.of(g.probed(), c.probed()));
        assertSame(c.backend, s.backend());
        assertEquals(0, g.created);
    }

    @Test
    void noModulesAtAll() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select(DeviceMode.AUTO, List.of()));
        assertTrue(e.getMessage().contains("no backend modules"), e.getMessage());
    }

    @Test
    void probeToStringSaysUsableOrNot() {
        String s = gpu(false, "no device").probed().toString();
        assertTrue(s.contains("cuda") && s.contains("unusable") && s.contains("no device"), s);
    }

    // ---- parsers ----

    @Test
    void deviceModeParses() {
        assertEquals(DeviceMode.AUTO, DeviceMode.parse("auto"));
        assertEquals(DeviceMode.GPU, DeviceMode.parse(" GPU "));
        assertEquals(DeviceMode.CPU, DeviceMode.parse("Cpu"));
        assertEquals("gpu", DeviceMode.GPU.toString());
    }

    @Test
    void deviceModeParseErrorsNameTheOptionAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceMode.parse("cuda"));
        assertTrue(e.getMessage().contains("device") && e.getMessage().contains("'cuda'")
                && e.getMessage().contains("auto, cpu, gpu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceMode.parse(null));
        assertTrue(e.getMessage().contains("device"), e.getMessage());
    }

    @Test
    void cellTypeParses() {
        assertEquals(CellType.LSTM, CellType.parse("lstm"));
        assertEquals(CellType.GRU, CellType.parse(" GRU"));
        assertEquals(4, CellType.LSTM.gates());
        assertEquals(3, CellType.GRU.gates());
        assertTrue(CellType.LSTM.hasCellState());
        assertTrue(!CellType.GRU.hasCellState());
    }

    @Test
    void cellTypeParseErrorsNameTheOptionAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CellType.parse("rnn_tanh"));
        assertTrue(e.getMessage().contains("cell") && e.getMessage().contains("'rnn_tanh'")
                && e.getMessage().contains("lstm"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CellType.parse(null));
    }

    // ---- RnnSpec ----

    @Test
    void rnnSpecValidation() {
        assertMessage(() -> new RnnSpec(CellType.LSTM, 0, 5, 1, false, DType.FLOAT32), "inputSize", "0");
        assertMessage(() -> new RnnSpec(CellType.LSTM, 3, -1, 1, false, DType.FLOAT32), "hiddenSize", "-1");
        assertMessage(() -> new RnnSpec(CellType.LSTM, 3, 5, 0, false, DType.FLOAT32), "numLayers", "0");
        assertMessage(() -> new RnnSpec(null, 3, 5, 1, false, DType.FLOAT32), "cell", "null");
        assertMessage(() -> new RnnSpec(CellType.GRU, 3, 5, 1, false, null), "dtype", "null");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String name, String value) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(name) && ex.getMessage().contains(value), ex.getMessage());
    }

    /** torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True).state_dict(), names, shapes and order. */
    @Test
    void lstmParametersAreExactlyPyTorchsStateDict() {
        RnnSpec spec = new RnnSpec(CellType.LSTM, 3, 5, 2, true, DType.FLOAT32);
        List<String> expected = List.of(
                "weight_ih_l0 [20, 3]", "weight_hh_l0 [20, 5]", "bias_ih_l0 [20]", "bias_hh_l0 [20]",
                "weight_ih_l0_reverse [20, 3]", "weight_hh_l0_reverse [20, 5]", "bias_ih_l0_reverse [20]",
                "bias_hh_l0_reverse [20]",
                "weight_ih_l1 [20, 10]", "weight_hh_l1 [20, 5]", "bias_ih_l1 [20]", "bias_hh_l1 [20]",
                "weight_ih_l1_reverse [20, 10]", "weight_hh_l1_reverse [20, 5]", "bias_ih_l1_reverse [20]",
                "bias_hh_l1_reverse [20]");
        assertEquals(expected, spec.parameters().stream().map(p -> p.name() + " " + p.shape()).toList());
        assertEquals(2 * (20 * 3 + 20 * 5 + 40) + 2 * (20 * 10 + 20 * 5 + 40), spec.parameterCount());
        RnnParam p = spec.parameter("bias_hh_l1_reverse");
        assertEquals(RnnParam.Kind.BIAS_HH, p.kind());
        assertEquals(1, p.layer());
        assertEquals(1, p.direction());
        assertEquals(Shape.of(20), p.shape());
    }

    /** torch.nn.GRU(7, 11, num_layers=3).state_dict(). */
    @Test
    void gruParametersAreExactlyPyTorchsStateDict() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 7, 11, 3, false, DType.FLOAT64);
        List<String> expected = List.of(
                "weight_ih_l0 [33, 7]", "weight_hh_l0 [33, 11]", "bias_ih_l0 [33]", "bias_hh_l0 [33]",
                "weight_ih_l1 [33, 11]", "weight_hh_l1 [33, 11]", "bias_ih_l1 [33]", "bias_hh_l1 [33]",
                "weight_ih_l2 [33, 11]", "weight_hh_l2 [33, 11]", "bias_ih_l2 [33]", "bias_hh_l2 [33]");
        assertEquals(expected, spec.parameters().stream().map(p -> p.name() + " " + p.shape()).toList());
        assertEquals(Shape.of(3, 4, 11), spec.stateShape(4));
        assertEquals(Shape.of(6, 4, 7), spec.inputShape(6, 4));
        assertEquals(Shape.of(6, 4, 11), spec.outputShape(6, 4));
    }

    @Test
    void unknownParameterNameListsTheKnownOnes() {
        RnnSpec spec = new RnnSpec(CellType.GRU, 3, 5, 1, false, DType.FLOAT32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec.parameter("weight_ih_l0_reverse"));
        assertTrue(e.getMessage().contains("weight_ih_l0_reverse") && e.getMessage().contains("weight_hh_l0"),
                e.getMessage());
    }

    @Test
    void bidirectionalShapes() {
        RnnSpec spec = new RnnSpec(CellType.LSTM, 3, 5, 2, true, DType.FLOAT32);
        assertEquals(10, spec.outputSize());
        assertEquals(Shape.of(4, 2, 5), spec.stateShape(2));
        assertEquals(Shape.of(7, 2, 10), spec.outputShape(7, 2));
        assertEquals(3, spec.layerInputSize(0));
        assertEquals(10, spec.layerInputSize(1));
    }

    /** 6 * B * T * G * H * (layer input + H) per layer and direction: forward 2x, backward data 2x, weights 2x. */
    @Test
    void trainingFlops() {
        RnnSpec uni = new RnnSpec(CellType.LSTM, 3, 5, 1, false, DType.FLOAT32);
        assertEquals(6.0 * 2 * 7 * 4 * 5 * (3 + 5), uni.trainingFlops(7, 2), 0);
        RnnSpec bi = new RnnSpec(CellType.GRU, 3, 5, 2, true, DType.FLOAT32);
        double layer0 = 6.0 * 2 * 7 * 3 * 5 * (3 + 5) * 2;
        double layer1 = 6.0 * 2 * 7 * 3 * 5 * (10 + 5) * 2;
        assertEquals(layer0 + layer1, bi.trainingFlops(7, 2), 0);
    }
}
