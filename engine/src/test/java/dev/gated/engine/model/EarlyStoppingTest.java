package dev.gated.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Keras' and Lightning's improvement rule: beat the best by more than min_delta, in the metric's direction. */
class EarlyStoppingTest {
    @Test
    void minModeNeedsADropOfMoreThanMinDelta() {
        EarlyStopping e = new EarlyStopping("val_loss", false, 2, 0.01, true);
        assertTrue(e.improves(0.5, e.worst()), "anything finite beats the start");
        assertTrue(e.improves(0.489, 0.5));
        assertFalse(e.improves(0.49, 0.5), "a drop of exactly min_delta is not an improvement");
        assertFalse(e.improves(0.6, 0.5));
        assertFalse(e.improves(Double.NaN, 0.5), "NaN never improves");
    }

    @Test
    void maxModeNeedsARiseOfMoreThanMinDelta() {
        EarlyStopping e = new EarlyStopping("val_accuracy", true, 1, 0, false);
        assertTrue(e.improves(0.1, e.worst()));
        assertTrue(e.improves(0.81, 0.8));
        assertFalse(e.improves(0.8, 0.8));
    }

    @Test
    void accuracyAndF1AreMaximisedByDefault() {
        assertTrue(EarlyStopping.maxByDefault("val_accuracy"));
        assertTrue(EarlyStopping.maxByDefault("val_macro_f1"));
        assertFalse(EarlyStopping.maxByDefault("val_mae"));
        assertFalse(EarlyStopping.maxByDefault("train_loss"));
    }

    @Test
    void stateRoundTripsAndBadSettingsAreRejected() {
        EarlyStopping.State s = new EarlyStopping.State(2, 7);
        assertEquals(s, EarlyStopping.State.fromMetadata(s.toMetadata()).orElseThrow());
        assertEquals("patience: expected an integer >= 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> new EarlyStopping("val_loss", false, 0, 0, true)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping("val_loss", false, 1, -0.1, true));
    }
}
