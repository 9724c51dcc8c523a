package dev.embedconsent.servlet.deploy;

import java.nio.file.Path;

/** WAR deployment into a standalone Tomcat 11 process (see {@link WarDeploymentContract}). */
class TomcatWarDeploymentIT extends WarDeploymentContract {
    @Override
    StandaloneContainer container(Path base) {
        return new StandaloneTomcat(base);
    }
}
