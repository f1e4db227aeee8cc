package dev.gated.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.tune.Condition;
import dev.gated.engine.tune.Direction;
import dev.gated.engine.tune.Param;
import dev.gated.engine.tune.ParamImportance;
import dev.gated.engine.tune.SearchSpace;
import dev.gated.engine.tune.TrialState;
import dev.gated.engine.tune.TrialView;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

// XChart 3.8.8 loops forever on category ticks that are not 0, 1, ... in order: a separate thread, so that the
// timeout ends such a test.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TuningPlotsTest {
    private static final SearchSpace SPACE = new SearchSpace(List.of(
            new Param.Uniform("training.learning_rate", 1e-4, 1e-1, true, Optional.empty()),
            new Param.IntRange("model.hidden", 16, 128, 16, false, Optional.empty()),
            new Param.Choice("model.cell", List.of("gru", "lstm"), Optional.empty()),
            new Param.Choice("model.layers", List.of(1L, 2L, 3L), Optional.empty()),
            new Param.Uniform("model.dropout", 0, 0.5, false,
                    Optional.of(new Condition("model.layers", Condition.Op.GT, 1L))),
            new Param.Choice("data.standardize", List.of(true, false), Optional.empty())));

    @TempDir
    Path dir;

    /** 30 trials: every fourth pruned with three epochs reported, every tenth failed, the rest complete. */
    private static List<TrialView> trials() {
        Random r = new Random(1);
        List<TrialView> trials = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Map<String, Object> p = SPACE.assign((k, param) -> param.fromUnit(r.nextDouble()));
            double value = 1 + Math.abs(Math.log10((Double) p.get("training.learning_rate")) + 2.5)
                    + ("lstm".equals(p.get("model.cell")) ? 0.2 : 0) + 0.1 * r.nextDouble();
            TreeMap<Integer, Double> epochs = new TreeMap<>(Map.of(1, value + 2, 2, value + 1, 3, value + 0.5));
            TrialState state = i % 10 == 9 ? TrialState.FAILED : i % 4 == 3 ? TrialState.PRUNED
                    : TrialState.COMPLETE;
            trials.add(new TrialView(i, p, state, state == TrialState.COMPLETE ? value : Double.NaN, epochs, 5.0));
        }
        return trials;
    }

    private static BufferedImage read(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO could not read " + png);
        return image;
    }

    /** Bad input throws before the file system is touched: the old file stays, and no temporary file is left. */
    private void assertRejectedUntouched(Path png, Executable plot, String message) throws Exception {
        Files.writeString(png, "old plot");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, plot);
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertArrayEquals("old plot".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(png));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(png.getFileName()), files.map(Path::getFileName).toList());
        }
    }

    @Test
    void historyDrawsCompletePrunedAndBestSoFar() throws IOException {
        Path png = TuningPlots.history(trials(), Direction.MINIMIZE, "val_loss", dir.resolve("plots/history.png"));
        assertEquals(dir.resolve("plots/history.png"), png);
        BufferedImage image = read(png);
        assertEquals(TuningPlots.HISTORY_WIDTH, image.getWidth());
        assertEquals(TuningPlots.HISTORY_HEIGHT, image.getHeight());
        // One complete trial, nothing else: still a plot.
        List<TrialView> one = List.of(trials().get(0));
        read(TuningPlots.history(one, Direction.MAXIMIZE, "val_accuracy", dir.resolve("one.png")));
    }

    @Test
    void parametersDrawOneChartPerParameterInAGrid() throws IOException {
        BufferedImage image = read(TuningPlots.parameters(SPACE, trials(), "val_loss", dir.resolve("params.png")));
        int rows = (SPACE.size() + TuningPlots.PARAM_COLUMNS - 1) / TuningPlots.PARAM_COLUMNS;
        assertEquals(TuningPlots.PARAM_COLUMNS * TuningPlots.PARAM_WIDTH, image.getWidth());
        assertEquals(30 + rows * TuningPlots.PARAM_HEIGHT, image.getHeight(), "a title line and two rows");
        // A parameter no complete trial set has no chart: one chart, one column.
        List<TrialView> shallow = new ArrayList<>();
        for (TrialView t : trials()) {
            Map<String, Object> p = new LinkedHashMap<>(t.params());
            p.remove("model.dropout");
            shallow.add(new TrialView(t.number(), p, t.state(), t.value(), t.intermediate(), t.seconds()));
        }
        SearchSpace two = new SearchSpace(SPACE.params().subList(3, 5));
        BufferedImage single = read(TuningPlots.parameters(two, shallow, "val_loss", dir.resolve("two.png")));
        assertEquals(TuningPlots.PARAM_WIDTH, single.getWidth());
        assertEquals(30 + TuningPlots.PARAM_HEIGHT, single.getHeight());
    }

    @Test
    void choicesNoTrialTookAreLeftOffTheAxis() throws IOException {
        SearchSpace space = new SearchSpace(List.of(new Param.Choice("model.cell",
                List.of("gru", "lstm", "rnn", "a_very_long_cell_name_indeed", 1L, "1"), Optional.empty())));
        List<TrialView> trials = new ArrayList<>();
        // Out of order, lstm never, and a value the space does not have.
        List<Object> taken = List.of("rnn", "gone", "1", "gru", 1L, "a_very_long_cell_name_indeed");
        for (int i = 0; i < 12; i++) {
            trials.add(new TrialView(i, Map.of("model.cell", taken.get(i % taken.size())), TrialState.COMPLETE,
                    i, new TreeMap<>(), 1.0));
        }
        BufferedImage image = read(TuningPlots.parameters(space, trials, "val_loss", dir.resolve("cells.png")));
        assertEquals(TuningPlots.PARAM_WIDTH, image.getWidth());
        // One category only.
        read(TuningPlots.parameters(space, trials.subList(0, 1), "val_loss", dir.resolve("one.png")));
    }

    @Test
    void importanceDrawsABarPerParameter() throws IOException {
        Map<String, Double> imp = ParamImportance.of(SPACE, trials(), Direction.MINIMIZE);
        BufferedImage image = read(TuningPlots.importance(imp, "val_loss", dir.resolve("importance.png")));
        assertEquals(TuningPlots.IMPORTANCE_WIDTH, image.getWidth());
        assertEquals(TuningPlots.IMPORTANCE_HEIGHT, image.getHeight());
    }

    @Test
    void withoutCompleteTrialsNothingIsWritten() throws Exception {
        Path png = dir.resolve("plot.png");
        List<TrialView> none = trials().stream().filter(t -> t.state() != TrialState.COMPLETE).toList();
        assertRejectedUntouched(png, () -> TuningPlots.history(none, Direction.MINIMIZE, "val_loss", png),
                "history: no complete trial with a finite val_loss");
        assertRejectedUntouched(png, () -> TuningPlots.history(List.of(), Direction.MINIMIZE, "val_loss", png),
                "no complete trial");
        assertRejectedUntouched(png, () -> TuningPlots.parameters(SPACE, none, "val_loss", png),
                "parameters: no complete trial");
        SearchSpace other = new SearchSpace(List.of(new Param.Uniform("x", 0, 1, false, Optional.empty())));
        assertRejectedUntouched(png, () -> TuningPlots.parameters(other, trials(), "val_loss", png),
                "no complete trial sets any parameter");
    }

    @Test
    void badImportancesAreRejectedAndNothingIsWritten() throws Exception {
        Path png = dir.resolve("importance.png");
        assertRejectedUntouched(png, () -> TuningPlots.importance(Map.of(), "val_loss", png), "no parameters");
        assertRejectedUntouched(png, () -> TuningPlots.importance(Map.of("a", 0.0, "b", 0.0), "val_loss", png),
                "every share is 0");
        assertRejectedUntouched(png, () -> TuningPlots.importance(Map.of("a", Double.NaN), "val_loss", png),
                "a has share NaN");
        assertRejectedUntouched(png, () -> TuningPlots.importance(Map.of("a", -0.5, "b", 1.5), "val_loss", png),
                "a has share -0.5");
    }
}
