package dev.gated.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthPlotsTest {
    @TempDir
    Path tmp;

    private static List<Map<String, Double>> rows(boolean withRatios) {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int s = 10; s <= 100; s += 10) {
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("epoch", 1.0);
            r.put("step", (double) s);
            for (String g : List.of("r", "z", "n")) {
                r.put("grad_norm_l0_" + g, 1.0 / s);
                r.put("grad_norm_l0_reverse_" + g, 2.0 / s);
                r.put("saturation_l0_" + g, s / 200.0);
                r.put("saturation_l0_reverse_" + g, s / 400.0);
            }
            r.put("grad_norm_ih_l0", 1.0);
            if (withRatios) {
                r.put("update_ratio_l0", 1e-3);
                r.put("update_ratio_head", 2e-3);
            }
            rows.add(r);
        }
        return rows;
    }

    @Test
    void drawsOneChartPerKindOfColumnStacked() throws IOException {
        Path png = HealthPlots.health(rows(true), tmp.resolve("health.png"));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(HealthPlots.WIDTH, image.getWidth());
        assertEquals(3 * HealthPlots.HEIGHT, image.getHeight(), "gradient norms, saturation, update ratios");
        Path two = HealthPlots.health(rows(false), tmp.resolve("two.png"));
        assertEquals(2 * HealthPlots.HEIGHT, ImageIO.read(two.toFile()).getHeight(), "no update ratio columns");
    }

    @Test
    void seriesAreNamedByLayerDirectionAndGate() {
        assertEquals("l0_reverse_n", HealthPlots.label("grad_norm_l0_reverse_n"));
        assertEquals("l1_f", HealthPlots.label("saturation_l1_f"));
        assertEquals("head", HealthPlots.label("update_ratio_head"));
    }

    @Test
    void rowsWithoutHealthColumnsAreRejectedAndNothingIsWritten() {
        Path png = tmp.resolve("bad.png");
        assertThrows(IllegalArgumentException.class, () -> HealthPlots.health(List.of(), png));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HealthPlots.health(List.of(Map.of("step", 1.0, "loss", 0.5)), png));
        assertTrue(e.getMessage().contains("no grad_norm_l*, saturation_* or update_ratio_* columns"), e.getMessage());
        assertFalse(Files.exists(png));
    }
}
