package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.servlet.RenderConsented;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;

/** The browser suite with {@code render-consented=client}, plus the cases only that mode has. */
abstract class ClientModeBrowserContract extends DemoSiteBrowserContract {
    @Override
    RenderConsented mode() {
        return RenderConsented.CLIENT;
    }

    /**
     * Marks every animation frame in which a YouTube placeholder would be painted visibly: rAF callbacks run just
     * before the frame is rendered, from the first frame of the document on (the script is added before any of the
     * page's own). Also records when the first paint happened and when the embed appeared.
     */
    private static final String PAINT_PROBE = """
            window.ecProbe = {visibleFrames: 0, frames: 0, loadedAtFrame: -1};
            (function frame() {
              const probe = window.ecProbe;
              probe.frames++;
              for (const p of document.querySelectorAll('.ec-placeholder[data-consent-provider="youtube"]')) {
                if (getComputedStyle(p).visibility !== 'hidden') { probe.visibleFrames++; break; }
              }
              if (probe.loadedAtFrame < 0 && document.querySelector('.ec-loaded iframe')) {
                probe.loadedAtFrame = probe.frames;
              }
              requestAnimationFrame(frame);
            })();""";

    @Test
    void inClientModeAnAllowedProviderIsActiveOnLoadWithoutAFlashOfItsPlaceholder() {
        ChromeDriver driver = chromium().driver();
        open(driver, "/");
        button(placeholders(driver, "youtube").get(0), "provider").click();
        await(driver, "youtube allowed", d -> placeholders(d, "youtube").isEmpty());
        assertEquals("youtube", driver.manage().getCookieNamed("ec_hint").getValue());
        addScriptToEveryPage(driver, PAINT_PROBE);

        proxy.clear();
        open(driver, "/");
        assertTrue(placeholders(driver, "youtube").isEmpty());
        assertEquals(1, driver.findElements(By.cssSelector(".ec-loaded iframe[src^='https://www.youtube.com/embed/']"))
                .size(), "activated on load");
        awaitContact("youtube");
        // Once the embed is in a painted frame the placeholder is gone from the page: the count is final.
        Map<?, ?> probe = await(driver, "the probe saw the embed painted",
                d -> (Map<?, ?>) js(d, "return window.ecProbe.loadedAtFrame > 0 ? window.ecProbe : null"));
        assertTrue(((Number) probe.get("loadedAtFrame")).intValue() > 0, "the probe ran: " + probe);
        assertEquals(0L, probe.get("visibleFrames"), "frames that showed the YouTube placeholder: " + probe);
        System.out.println(site.container() + " client mode, allowed YouTube on load: " + probe);

        driver.manage().deleteCookieNamed("ec_hint");
        open(driver, "/");
        Map<?, ?> control = await(driver, "control: without the hint the placeholder is painted, and the probe sees it",
                d -> (Map<?, ?>) js(d, "return window.ecProbe.visibleFrames > 0 ? window.ecProbe : null"));
        assertTrue(((Number) control.get("visibleFrames")).intValue() > 0,
                "control: without the hint the placeholder is painted, and the probe sees it: " + control);
        assertEquals(1, placeholders(driver, "youtube").size(), "without the hint nothing is asked or activated");
        System.out.println(site.container() + " client mode, control without the hint: " + control);
    }

    @Test
    void inClientModeAForgedHintActivatesNothing() {
        ChromeDriver driver = chromium().driver();
        open(driver, "/embed-consent/settings");
        driver.manage().addCookie(new Cookie("ec_hint", "youtube|x|vimeo", "/"));
        proxy.clear();
        open(driver, "/gallery");
        assertEquals(1, placeholders(driver, "youtube").size());
        assertTrue(driver.findElements(By.cssSelector(".ec-loaded, .ec-pending")).isEmpty(),
                "nothing activated, nothing left hidden");
        quiet();
        assertEquals(List.of(), proxy.contacted(providerHosts), "provider hosts contacted with a forged hint");
        assertEquals(null, driver.manage().getCookieNamed("ec_hint"), "the server took the forged hint back");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"once", "provider"})
    void inClientModeLoadOnceAndAlwaysAllowWorkWithoutJavaScript(String scope) {
        ChromeDriver driver = chromiumWithoutJavaScript().driver();
        open(driver, "/");
        quiet();
        assertEquals(List.of(), proxy.contacted(providerHosts));
        button(placeholders(driver, "youtube").get(0), scope).click();
        await(driver, "back on a copy of the page rendered for this visitor", d -> URI.create(d.getCurrentUrl())
                .getQuery() != null && d.getCurrentUrl().contains("ec-render=") && placeholders(d, "youtube").isEmpty());
        assertEquals("/", URI.create(driver.getCurrentUrl()).getPath());
        assertEquals(1, driver.findElements(By.cssSelector("iframe[src^='https://www.youtube.com/embed/']")).size());
        awaitContact("youtube");
        assertEquals("", text(driver, "consent-log"), "JavaScript really was off");

        open(driver, "/");
        assertEquals(1, placeholders(driver, "youtube").size(), "the shared page: without JavaScript a placeholder");
    }
}
