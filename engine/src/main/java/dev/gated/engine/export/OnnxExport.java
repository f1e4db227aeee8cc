package dev.gated.engine.export;

import dev.gated.engine.config.TaskKind;
import dev.gated.engine.forecast.ForecastLayout;
import dev.gated.engine.forecast.ForecastRecord;
import dev.gated.engine.model.Objective;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.train.Preprocessing;
import dev.gated.engine.train.TrainedRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trained {@link SequenceModel} as an ONNX model (opset 17) that ONNX Runtime runs with the outputs of
 * {@code gated predict}: the network ({@link OnnxNetwork}), the input standardisation of sequence and array data,
 * the softmax of a classifier, and a forecast's decoding back to the data's units ({@link ForecastDecoding}). What
 * the graph takes and returns, and what is refused, is in docs/EXPORT.md.
 */
public final class OnnxExport {
    /** The {@code format} metadata value. */
    public static final String FORMAT = "gated-onnx";
    /** Graph input names. */
    public static final String X = OnnxNetwork.X;
    public static final String TOKENS = OnnxNetwork.TOKENS;
    public static final String SEQUENCE_LENS = OnnxNetwork.SEQUENCE_LENS;
    public static final String TARGET_SCALE = ForecastDecoding.TARGET_SCALE;
    public static final String TARGET_BASE = ForecastDecoding.TARGET_BASE;
    public static final String RECENT = ForecastDecoding.RECENT;
    /** Graph output names. */
    public static final String OUTPUT = "output";
    public static final String LOGITS = "logits";
    public static final String PROBABILITIES = "probabilities";
    public static final String FORECAST = "forecast";

    private OnnxExport() {
    }

    /**
     * The serialised ModelProto and one line per graph input and output (name, type, shape, meaning).
     */
    public record Exported(byte[] bytes, List<String> signature) {
    }

    /**
     * What the graph adds around the network.
     *
     * @param featureMean   subtracted from x per feature in the graph (empty: none)
     * @param featureStd    x is then divided by it
     * @param probabilities add a softmax output (classifiers)
     * @param forecast      decode the outputs of this forecast layout (outputs {@code output} and {@code forecast})
     */
    public record Options(double[] featureMean, double[] featureStd, boolean probabilities,
                          Optional<ForecastLayout> forecast) {
        public static final Options NONE = new Options(new double[0], new double[0], false, Optional.empty());

        public Options {
            if (featureMean.length != featureStd.length) {
                throw new IllegalArgumentException("featureMean, featureStd: expected the same length, got "
                        + featureMean.length + " and " + featureStd.length);
            }
        }
    }

    /**
     * The run's model: refuses what cannot be expressed ({@link UnsupportedExportException}, naming the option),
     * then builds the graph with the run's preprocessing; {@code metadata} goes into metadata_props after
     * {@code format}, the recorded job ({@code config}) and {@code preprocessing.json} ({@code preprocessing}).
     */
    public static Exported ofRun(TrainedRun run, SequenceModel model, String version, Map<String, String> metadata) {
        OnnxSupport.check(run.config());
        Preprocessing pre = run.preprocessing();
        TaskKind task = run.config().task().kind();
        Optional<ForecastLayout> layout = task == TaskKind.FORECAST
                ? Optional.of(pre.forecast().map(ForecastRecord::layout).orElseThrow(() -> new IllegalStateException(
                run.runDir() + ": the run's preprocessing record has no forecast section (a run of an older Gated?)")))
                : Optional.empty();
        // Word models read token ids; a language model's inputs are one-hot vectors of its own vocabulary.
        boolean standardise = pre.featureMean().length > 0 && model.embedding().isEmpty();
        Options options = new Options(standardise ? pre.featureMean() : new double[0],
                standardise ? pre.featureStd() : new double[0], task == TaskKind.CLASSIFY, layout);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("config", dev.gated.engine.config.JobFiles.toYaml(run.config()));
        meta.put("preprocessing", pre.toJson());
        meta.putAll(metadata);
        return of(model, options, version, meta);
    }

    /** The model with {@code options}, without the run's checks (the tests build models directly). */
    public static Exported of(SequenceModel model, Options options, String version, Map<String, String> metadata) {
        if (options.forecast().isPresent() && model.objective() != Objective.REGRESSION) {
            throw new IllegalArgumentException("forecast decoding needs a regression model, got " + model.objective());
        }
        OnnxGraph g = new OnnxGraph();
        OnnxNetwork.Head head = OnnxNetwork.build(g, model, options.featureMean(), options.featureStd());
        int o = model.outputSize();
        Object[] dims = head.everyStep() ? new Object[] {OnnxNetwork.STEPS, OnnxNetwork.BATCH, o}
                : new Object[] {OnnxNetwork.BATCH, o};
        if (options.forecast().isPresent()) {
            ForecastLayout l = options.forecast().get();
            g.output(head.value(), OUTPUT, "the network's outputs, scaled as in training, index (h*J + j)*Q + q",
                    OnnxGraph.FLOAT, dims);
            g.output(ForecastDecoding.build(g, head.value(), l), FORECAST, "forecasts in the data's units, "
                    + "[window, step, target, quantile], quantiles ascending", OnnxGraph.FLOAT, OnnxNetwork.BATCH,
                    l.modelHorizon(), l.targets(), l.quantileCount());
        } else if (model.objective() == Objective.REGRESSION) {
            g.output(head.value(), OUTPUT, "the predicted values", OnnxGraph.FLOAT, dims);
        } else {
            g.output(head.value(), LOGITS, head.everyStep() ? "the next symbol's logits at every step (rows past "
                    + "a sequence's length are padding)" : "the class logits", OnnxGraph.FLOAT, dims);
            if (options.probabilities()) {
                g.output(g.op("Softmax", List.of(head.value()), OnnxGraph.Attr.i("axis", -1)), PROBABILITIES,
                        "the class probabilities (softmax of the logits)", OnnxGraph.FLOAT, dims);
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("model", model.spec().toString());
        meta.putAll(metadata);
        byte[] bytes = g.model("gated", version, "Gated " + model.objective().name().toLowerCase(java.util.Locale.ROOT)
                + " model, " + model.spec() + "; see docs/EXPORT.md", meta);
        return new Exported(bytes, g.signature());
    }
}
