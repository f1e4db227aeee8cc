package dev.gated.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.tune.Condition;
import dev.gated.engine.tune.Direction;
import dev.gated.engine.tune.Param;
import dev.gated.engine.tune.StudyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study file parser: every key, its defaults, and errors with file, line, column and a suggestion. */
class StudyFilesTest {
    @TempDir
    Path dir;

    @BeforeEach
    void baseJob() throws Exception {
        Files.writeString(dir.resolve("job.yaml"), """
                data: {kind: csv, path: d.csv, input_columns: [a], target_columns: [a], window: 8, horizon: 1}
                model: {cell: lstm, hidden: 16}
                task: {kind: forecast}
                training: {epochs: 3}
                """);
    }

    private StudyConfig load(String text) throws Exception {
        Path f = dir.resolve("study.yaml");
        Files.writeString(f, text);
        return StudyFiles.load(f);
    }

    private String problems(String text) {
        return assertThrows(JobConfigException.class, () -> load(text)).getMessage();
    }

    @Test
    void readsEveryKind() throws Exception {
        StudyConfig s = load("""
                study: {job: job.yaml, name: s1, dir: out, seed: 7}
                objective: {metric: val_mase, reduce: last}
                budget: {trials: 12, time: 1h30m}
                sampler: {kind: sobol}
                pruner: {kind: median, startup_trials: 2, warmup_epochs: 1}
                space:
                  model.hidden: {int: [8, 64], log: true}
                  model.layers: {int: [1, 3]}
                  model.dropout.between: {uniform: [0.0, 0.5], when: "model.layers > 1"}
                  training.learning_rate: {loguniform: [1.0e-4, 1.0e-1]}
                  data.window: {int: [8, 32], step: 8}
                  model.cell: {choice: [lstm, gru]}
                """);
        assertEquals("s1", s.name());
        assertEquals(Path.of("out", "s1"), s.dir());
        assertEquals(dir.resolve("job.yaml").toAbsolutePath(), s.job());
        assertEquals(7, s.seed());
        assertEquals(Direction.MINIMIZE, s.objective().direction());
        assertEquals(StudyConfig.Reduce.LAST, s.objective().reduce());
        assertEquals(12, s.budget().trials());
        assertEquals(Duration.ofMinutes(90), s.budget().time().orElseThrow());
        assertEquals(StudyConfig.SamplerKind.SOBOL, s.sampler().kind());
        assertEquals(StudyConfig.PrunerKind.MEDIAN, s.pruner().kind());
        assertEquals(6, s.space().size());
        Param.IntRange hidden = assertInstanceOf(Param.IntRange.class, s.space().params().get(0));
        assertTrue(hidden.log());
        Param.Uniform dropout = assertInstanceOf(Param.Uniform.class, s.space().params().get(2));
        assertEquals(new Condition("model.layers", Condition.Op.GT, 1L), dropout.when().orElseThrow());
        assertTrue(assertInstanceOf(Param.Uniform.class, s.space().params().get(3)).log());
        assertEquals(8, assertInstanceOf(Param.IntRange.class, s.space().params().get(4)).step());
        assertEquals(List.of("lstm", "gru"), assertInstanceOf(Param.Choice.class, s.space().params().get(5)).values());
    }

    @Test
    void defaults() throws Exception {
        StudyConfig s = load("study: {job: job.yaml}\nspace: {model.hidden: {choice: [8, 16]}}\n");
        assertEquals("study", s.name());
        assertEquals("val_loss", s.objective().metric());
        assertEquals(StudyConfig.Reduce.BEST, s.objective().reduce());
        assertEquals(StudyReader.DEFAULT_TRIALS, s.budget().trials());
        assertEquals(StudyConfig.SamplerKind.TPE, s.sampler().kind());
        assertEquals(StudyConfig.PrunerKind.NONE, s.pruner().kind());
    }

    @Test
    void accuracyIsMaximizedByDefaultAndBacktestMetricsAreForecastOnly() throws Exception {
        Files.writeString(dir.resolve("cls.yaml"), """
                data: {kind: sequences, path: d.csv, sequence_column: s, input_columns: [a], label_column: y}
                task: {kind: classify}
                """);
        StudyConfig s = load("study: {job: cls.yaml}\nobjective: {metric: val_accuracy}\n"
                + "space: {model.hidden: {choice: [8, 16]}}\n");
        assertEquals(Direction.MAXIMIZE, s.objective().direction());
        String m = problems("study: {job: cls.yaml}\nobjective: {metric: backtest_rmse}\n"
                + "space: {model.hidden: {choice: [8, 16]}}\n");
        assertTrue(m.contains("backtest metrics need a forecasting job"), m);
    }

    @Test
    void errorsSayWhereAndWhat() {
        String m = problems("""
                study: {job: job.yaml}
                objective: {metric: val_rmsee}
                sampler: {kind: tpee}
                budget: {trials: 0, time: soon}
                space:
                  model.hiden: {choice: [8, 16]}
                  model.hidden: {int: [64, 8]}
                  model.layers: {int: [1, 2], step: 0}
                  training.learning_rate: {loguniform: [0.0, 0.1]}
                  model.dropout.between: {uniform: [0.0, 0.5], when: "model.depth > 1"}
                  model.cell: {choice: [lstm, lstm]}
                  data.window: {choice: [8], uniform: [1, 2]}
                  output.name: {choice: [a]}
                """);
        assertTrue(m.contains("study.yaml:2:21: objective.metric: the base job's task forecast has no validation "
                + "metric 'val_rmsee'; did you mean 'val_rmse'?"), m);
        assertTrue(m.contains("study.yaml:3:17: sampler.kind: expected one of grid, random, sobol, tpe, found "
                + "'tpee'; did you mean 'tpe'?"), m);
        assertTrue(m.contains("study.yaml:4:18: budget.trials: expected an integer >= 1"), m);
        assertTrue(m.contains("study.yaml:4:27: budget.time: expected a wall time like 90s"), m);
        assertTrue(m.contains("study.yaml:6:3: space.model.hiden: the value 8 does not make a valid job"), m);
        assertTrue(m.contains("did you mean 'hidden'?"), m);
        assertTrue(m.contains("study.yaml:7:23: space.model.hidden: expected low <= high"), m);
        assertTrue(m.contains("study.yaml:8:37: space.model.layers.step: expected an integer >= 1"), m);
        assertTrue(m.contains("study.yaml:9:40: space.training.learning_rate: expected low < high and low > 0"), m);
        assertTrue(m.contains("study.yaml:10:54: space.model.dropout.between.when: 'model.depth' is not a parameter "
                + "before model.dropout.between"), m);
        assertTrue(m.contains("study.yaml:11:31: space.model.cell.choice[1]: the value lstm is listed twice"), m);
        assertTrue(m.contains("study.yaml:12:16: space.data.window: expected exactly one of choice, uniform, "
                + "loguniform, int, found choice and uniform"), m);
        assertTrue(m.contains("study.yaml:13:3: space.output.name: the study sets output.dir and output.name"), m);
        assertTrue(m.startsWith("12 problems in study file"), m);
    }

    @Test
    void valuesAreCheckedAgainstTheJob() {
        String m = problems("study: {job: job.yaml}\nspace:\n  model.hidden: {int: [0, 8]}\n"
                + "  model.cell: {choice: [lstm, grux]}\n");
        assertTrue(m.contains("study.yaml:3:3: space.model.hidden: the value 0 does not make a valid job: --set "
                + "model.hidden=0: model.hidden: expected an integer >= 1"), m);
        assertTrue(m.contains("study.yaml:4:3: space.model.cell: the value grux does not make a valid job"), m);
    }

    @Test
    void gridNeedsFiniteParametersAndBacktestsCannotBePruned() {
        String m = problems("study: {job: job.yaml}\nsampler: {kind: grid}\n"
                + "space: {training.learning_rate: {uniform: [0.001, 0.01]}}\n");
        assertTrue(m.contains("grid search needs a finite set of values: give training.learning_rate as choice or "
                + "int"), m);
        m = problems("study: {job: job.yaml}\nobjective: {metric: backtest_mase}\npruner: {kind: asha}\n"
                + "space: {model.hidden: {choice: [8, 16]}}\n");
        assertTrue(m.contains("pruner.kind: pruning decides on a validation metric after each epoch"), m);
    }

    @Test
    void aMissingOrBrokenBaseJobIsReportedAtItsKey() {
        String m = problems("study: {job: nope.yaml}\nspace: {model.hidden: {choice: [8]}}\n");
        assertTrue(m.contains("study.yaml:1:14: study.job: the base job"), m);
        assertTrue(m.contains("no such job file"), m);
        m = problems("space: {model.hidden: {choice: [8]}}\n");
        assertTrue(m.contains("study: missing required section 'study'"), m);
        m = problems("study: {job: job.yaml}\nspce: {}\n");
        assertTrue(m.contains("unknown key 'spce' in the study file; did you mean 'space'?"), m);
    }
}
