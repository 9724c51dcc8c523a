package dev.embedconsent.store;

import java.nio.file.Path;

class JsonLinesConsentStoreTest extends ConsentStoreContract {
    @Override
    protected ConsentStore createStore(Path directory) {
        return JsonLinesConsentStore.open(directory);
    }
}
