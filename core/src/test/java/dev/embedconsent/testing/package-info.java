/**
 * Test harnesses shared by the browser tests of every module: a {@link dev.embedconsent.testing.LoggingProxy} that
 * records where a browser tries to connect, and {@link dev.embedconsent.testing.HeadlessChromium}, which starts
 * Debian's Chromium with all non-loopback traffic sent to that proxy, and
 * {@link dev.embedconsent.testing.FaultyFileSystem}, a small disk that fills up or turns read-only for the fault
 * tests. Published in core's test-jar.
 */
@NullMarked
package dev.embedconsent.testing;

import org.jspecify.annotations.NullMarked;
