package dev.embedconsent.examples;

import dev.embedconsent.servlet.RenderConsented;
import java.nio.file.Path;

/** The browser end-to-end suite on Jetty with {@code render-consented=client}: one cached page for every visitor. */
class JettyClientModeBrowserIT extends ClientModeBrowserContract {
    @Override
    RunningSite startSite(Path dataDirectory) throws Exception {
        return JettySite.start(dataDirectory, RenderConsented.CLIENT);
    }
}
