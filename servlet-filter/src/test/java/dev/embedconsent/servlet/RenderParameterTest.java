package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RenderParameterTest {
    @Test
    void foundOnlyAsAWholeName() {
        assertTrue(RenderParameter.isIn("ec-render=x"));
        assertTrue(RenderParameter.isIn("a=1&ec-render"));
        assertFalse(RenderParameter.isIn(null));
        assertFalse(RenderParameter.isIn("xec-render=1&ec-rendered=2&q=ec-render"));
    }

    @Test
    void removedWithEveryCopyOfIt() {
        assertEquals("a=1&b=2", RenderParameter.remove("a=1&ec-render=x&b=2&ec-render"));
        assertNull(RenderParameter.remove("ec-render=x"));
        assertEquals("q=ec-render", RenderParameter.remove("q=ec-render"));
        assertNull(RenderParameter.remove(null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/news|/news?ec-render=",
        "/news?id=4|/news?id=4&ec-render=",
        "/news?ec-render=old&id=4#video|/news?id=4&ec-render=",
        "/#top|/?ec-render="})
    void addedFreshBeforeTheFragment(String path, String start) {
        String added = RenderParameter.add(path);
        assertTrue(added.startsWith(start), added);
        assertFalse(added.contains("old"), added);
        assertEquals(path.contains("#") ? path.substring(path.indexOf('#')) : "",
                added.contains("#") ? added.substring(added.indexOf('#')) : "");
        assertTrue(added.substring(start.length()).matches("[0-9a-z]+(#.*)?"), added);
        assertNotEquals(added, RenderParameter.add(path), "a fresh value each time");
    }
}
