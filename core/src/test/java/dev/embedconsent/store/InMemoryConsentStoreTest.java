package dev.embedconsent.store;

import java.nio.file.Path;

class InMemoryConsentStoreTest extends ConsentStoreContract {
    @Override
    protected ConsentStore createStore(Path directory) {
        return new InMemoryConsentStore();
    }
}
