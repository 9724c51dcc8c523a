package dev.embedconsent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SetOnceTest {
    @Test
    void secondClaimOfAnOptionNamesBuilderAndOption() {
        SetOnce options = new SetOnce("Example.Builder");
        options.claim("size");
        options.claim("name");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> options.claim("size"));
        assertEquals("Example.Builder option \"size\" was already set; set each option once", e.getMessage());
    }

    @Test
    void tellsWhatWasSet() {
        SetOnce options = new SetOnce("Example.Builder");
        assertFalse(options.isSet("size"));
        options.claim("size");
        assertTrue(options.isSet("size"));
        assertFalse(options.isSet("name"));
    }
}
