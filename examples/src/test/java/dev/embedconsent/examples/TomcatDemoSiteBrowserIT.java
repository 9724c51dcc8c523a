package dev.embedconsent.examples;

import java.nio.file.Path;

/** The same browser end-to-end suite with the demo wired into embedded Tomcat 11. */
class TomcatDemoSiteBrowserIT extends DemoSiteBrowserContract {
    @Override
    RunningSite startSite(Path dataDirectory) throws Exception {
        return TomcatSite.start(dataDirectory);
    }
}
