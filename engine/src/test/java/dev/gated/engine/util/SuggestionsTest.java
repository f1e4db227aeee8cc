package dev.gated.engine.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {
    private static final List<String> KEYS = List.of("optimizer", "learning_rate", "momentum", "weight_decay",
            "batch_size", "epochs", "shuffle", "seed", "clip_grad_norm", "device", "checkpoint_every_steps");

    @ParameterizedTest
    @CsvSource({
        "learnin_rate, learning_rate",
        "lerning_rate, learning_rate",
        "batchsize, batch_size",
        "epoch, epochs",
        "sede, seed",
        "devcie, device",
        "Shuffle, shuffle",
        "optimiser, optimizer",
        "colour, ''",
        "x, ''",
    })
    void suggestsOnlyCloseKeys(String typed, String expected) {
        assertEquals(expected.isEmpty() ? Optional.empty() : Optional.of(expected), Suggestions.closest(typed, KEYS));
    }

    @ParameterizedTest
    @CsvSource({"abc, abc, 0", "abc, acb, 1", "kitten, sitting, 3", "'', abc, 3"})
    void distance(String a, String b, int d) {
        assertEquals(d, Suggestions.distance(a, b));
    }
}
