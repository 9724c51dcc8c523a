package dev.embedconsent.servlet.deploy;

import java.nio.file.Path;

/** WAR deployment into a standalone Jetty 12 process (see {@link WarDeploymentContract}). */
class JettyWarDeploymentIT extends WarDeploymentContract {
    @Override
    StandaloneContainer container(Path base) {
        return new StandaloneJetty(base);
    }
}
