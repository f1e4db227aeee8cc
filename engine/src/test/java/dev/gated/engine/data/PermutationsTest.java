package dev.gated.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PermutationsTest {
    @Test
    void everyIndexOnceAndTheSameOrderForTheSameSeed() {
        int[] p = Permutations.random(50, new SplittableRandom(7));
        assertArrayEquals(IntStream.range(0, 50).toArray(), Arrays.stream(p).sorted().toArray());
        assertArrayEquals(p, Permutations.random(50, new SplittableRandom(7)));
        assertFalse(Arrays.equals(p, IntStream.range(0, 50).toArray()), "50 elements are shuffled");
        assertEquals(0, Permutations.random(0, new SplittableRandom(1)).length);
    }

    @Test
    void eachPositionIsUniform() {
        // 3 elements, 60000 draws: each of the 6 orders about 10000 times (sd ~ 91), so 9500..10500 is > 5 sd.
        SplittableRandom rnd = new SplittableRandom(3);
        int[] counts = new int[6];
        for (int draw = 0; draw < 60000; draw++) {
            int[] p = Permutations.random(3, rnd);
            counts[p[0] * 2 + (p[1] > p[2] ? 1 : 0)]++;
        }
        for (int c : counts) {
            assertEquals(10000, c, 500, Arrays.toString(counts));
        }
    }
}
