package dev.embedconsent.examples;

import java.nio.file.Path;

/** The browser end-to-end suite against the demo as it ships: {@link DemoServer} on Jetty 12. */
class JettyDemoSiteBrowserIT extends DemoSiteBrowserContract {
    @Override
    RunningSite startSite(Path dataDirectory) throws Exception {
        return JettySite.start(dataDirectory);
    }
}
