package dev.gated.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionPlotsTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @TempDir
    Path dir;

    static BufferedImage readPng(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        byte[] head = new byte[PNG_SIGNATURE.length];
        System.arraycopy(bytes, 0, head, 0, head.length);
        assertArrayEquals(PNG_SIGNATURE, head, "not a PNG signature");
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO could not read " + png);
        return image;
    }

    private static float[][] diagonal(int rows, int cols) {
        float[][] w = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(w[r], 0.1f / cols);
            w[r][Math.min(r, cols - 1)] += 0.9f;
        }
        return w;
    }

    @Test
    void drawsOneRowPerOutputTokenAndOneColumnPerSourceToken() throws IOException {
        // Repeated tokens ("the" twice) are separate columns.
        List<String> source = List.of("in", "the", "beginning", "the", "end");
        List<String> output = List.of("en", "el", "principio", "el", "fin", "<eos>");
        Path png = AttentionPlots.attention(source, output, diagonal(6, 5), 12, dir.resolve("attention-1.png"));
        assertEquals(dir.resolve("attention-1.png"), png);
        BufferedImage image = readPng(png);
        int[] size = AttentionPlots.size(5, 6);
        assertEquals(size[0], image.getWidth());
        assertEquals(size[1], image.getHeight());
        assertTrue(image.getWidth() >= 480 && image.getWidth() <= 2000, "width " + image.getWidth());
        assertTrue(image.getHeight() >= 360 && image.getHeight() <= 2000, "height " + image.getHeight());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("attention-1.png"), files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary files left");
        }
    }

    @Test
    void longSentencesGetSmallerCellsInABoundedImage() {
        int[] small = AttentionPlots.size(3, 4);
        int[] big = AttentionPlots.size(60, 70);
        assertTrue(big[0] > small[0] && big[1] > small[1]);
        assertTrue(big[0] <= 14 * 60 + 260 + 1 && big[1] <= 14 * 70 + 190 + 1, big[0] + "x" + big[1]);
    }

    @Test
    void aOneTokenSentenceIsDrawnToo() throws IOException {
        Path png = AttentionPlots.attention(List.of("<pad>"), List.of("<eos>"), new float[][] {{1f}}, null,
                dir.resolve("one.png"));
        assertEquals(480, readPng(png).getWidth());
    }

    @Test
    void rejectsWeightsThatDoNotMatchTheTokens() {
        Path png = dir.resolve("bad.png");
        assertThrows(IllegalArgumentException.class,
                () -> AttentionPlots.attention(List.of("a", "b"), List.of("x"), new float[][] {{1f}}, 1, png));
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> AttentionPlots.attention(List.of("a"), List.of("x", "y"), new float[][] {{1f}}, 1, png));
        assertTrue(rows.getMessage().contains("1 rows of weights for 2 output tokens"), rows.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> AttentionPlots.attention(List.of(), List.of(), new float[0][], 1, png));
        assertFalse(Files.exists(png));
    }

    @Test
    void drawsEverySentenceOfAnAttentionJson() throws IOException {
        Path json = dir.resolve("attention.json");
        Files.writeString(json, """
                {"sentences": [
                  {"line": 12, "source": ["in", "the", "beginning"], "output": ["en", "el", "principio", "<eos>"],
                   "weights": [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]},
                  {"line": 40, "source": ["light"], "output": ["luz", "<eos>"], "weights": [[1.0], [1.0]]}
                ]}
                """);
        List<Path> files = AttentionPlots.fromJson(json, dir);
        assertEquals(List.of(dir.resolve("attention-1.png"), dir.resolve("attention-2.png")), files);
        for (Path f : files) {
            readPng(f);
        }
        assertEquals(List.of(), AttentionPlots.fromJson(dir.resolve("missing.json"), dir));
        Files.writeString(json, "{\"sentences\": [{\"line\": 3, \"source\": [\"a\"], \"output\": [\"b\"], "
                + "\"weights\": [[0.5, 0.5]]}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttentionPlots.fromJson(json, dir));
        assertTrue(e.getMessage().startsWith(json + ": sentence 1: "), e.getMessage());
    }
}
