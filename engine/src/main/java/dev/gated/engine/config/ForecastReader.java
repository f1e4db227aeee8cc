package dev.gated.engine.config;

import dev.gated.engine.forecast.BacktestMode;
import dev.gated.engine.forecast.Scaling;
import dev.gated.engine.forecast.Strategy;
import dev.gated.engine.forecast.TargetMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Reads the {@code forecast} section and its {@code backtest} mapping into a {@link ForecastConfig}. */
final class ForecastReader {
    private final ReadContext ctx;

    ForecastReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    /** The section's settings (the defaults when it is left out); null after a problem. */
    ForecastConfig read(SectionReader s) {
        int before = ctx.problemCount();
        List<Double> quantiles = quantiles(s);
        boolean probabilistic = quantiles != null && !quantiles.isEmpty();
        int difference = s.intValue("difference", probabilistic ? ForecastConfig.DEFAULT_QUANTILE_DIFFERENCE
                : ForecastConfig.DEFAULT_DIFFERENCE, 0);
        Scaling scaling = s.enumValue("scaling", Scaling.class, ForecastConfig.defaultScaling(difference));
        TargetMode target = s.enumValue("target", TargetMode.class, probabilistic
                ? ForecastConfig.DEFAULT_QUANTILE_TARGET : ForecastConfig.DEFAULT_TARGET);
        Optional<Integer> season = season(s);
        Strategy strategy = s.enumValue("strategy", Strategy.class, Strategy.DIRECT);
        Optional<Integer> movingAverage = s.optionalLong("moving_average", 1, Integer.MAX_VALUE).map(Long::intValue);
        BacktestConfig backtest = backtest(s.sub("backtest"));
        if (strategy == Strategy.RECURSIVE && quantiles != null && !quantiles.isEmpty()) {
            ctx.add(new Problem(s.field("quantiles").keyAt(), "forecast.quantiles", "quantiles need strategy direct: "
                    + "a recursive forecast feeds one path back as its next input and cannot carry an interval "
                    + "forward (remove forecast.quantiles or use forecast.strategy: direct)"));
        }
        if (ctx.problemCount() > before || scaling == null || target == null || strategy == null
                || quantiles == null || backtest == null) {
            return null;
        }
        return new ForecastConfig(scaling, difference, target, season, strategy, quantiles, movingAverage, backtest);
    }

    /** {@code auto} (empty) or an integer >= 1. */
    private Optional<Integer> season(SectionReader s) {
        Node.Field f = s.field("season");
        if (f == null) {
            return Optional.empty();
        }
        if (f.value() instanceof Node.ScalarNode sc && "auto".equals(sc.value())) {
            return Optional.empty();
        }
        if (f.value() instanceof Node.ScalarNode sc && sc.value() instanceof Long l && l >= 1 && l <= 100_000) {
            return Optional.of(l.intValue());
        }
        ctx.add(new Problem(f.value().at(), "forecast.season", "expected auto (from the dates' frequency) or the "
                + "seasonal period, an integer >= 1 (12 for monthly data with a yearly cycle, 1 for none), found "
                + f.value().describe()));
        return Optional.empty();
    }

    /** Increasing levels in (0, 1) with 0.5 added; empty when not given; null after a problem. */
    private List<Double> quantiles(SectionReader s) {
        Node.Field f = s.field("quantiles");
        if (f == null) {
            return List.of();
        }
        String expected = "a list of quantile levels in (0, 1), such as [0.1, 0.5, 0.9]";
        if (!(f.value() instanceof Node.ListNode list) || list.items().isEmpty()) {
            ctx.add(new Problem(f.value().at(), "forecast.quantiles", "expected " + expected + ", found "
                    + f.value().describe()));
            return null;
        }
        TreeSet<Double> levels = new TreeSet<>();
        boolean ok = true;
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            if (item instanceof Node.ScalarNode sc && sc.value() instanceof Number n && n.doubleValue() > 0
                    && n.doubleValue() < 1) {
                if (!levels.add(n.doubleValue())) {
                    ctx.add(new Problem(item.at(), "forecast.quantiles[" + i + "]", "quantile level " + sc.text()
                            + " is listed twice"));
                    ok = false;
                }
            } else {
                ctx.add(new Problem(item.at(), "forecast.quantiles[" + i + "]", "expected a quantile level in (0, 1)"
                        + ", found " + item.describe()));
                ok = false;
            }
        }
        // The median is the point forecast every error metric scores.
        levels.add(0.5);
        return ok ? new ArrayList<>(levels) : null;
    }

    private BacktestConfig backtest(SectionReader s) {
        if (!s.present()) {
            return s.givenNotMapping() ? null : BacktestConfig.DEFAULT;
        }
        int before = ctx.problemCount();
        int folds = s.intValue("folds", BacktestConfig.DEFAULT_FOLDS, 1);
        BacktestMode mode = s.enumValue("mode", BacktestMode.class, BacktestMode.EXPANDING);
        boolean refit = s.bool("refit", true);
        Optional<Integer> foldSize = s.optionalLong("fold_size", 1, Integer.MAX_VALUE).map(Long::intValue);
        s.reportUnknownKeys();
        return ctx.problemCount() > before || mode == null ? null : new BacktestConfig(folds, mode, refit, foldSize);
    }
}
