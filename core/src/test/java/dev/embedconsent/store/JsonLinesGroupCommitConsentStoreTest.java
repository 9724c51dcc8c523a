package dev.embedconsent.store;

import java.nio.file.Path;

class JsonLinesGroupCommitConsentStoreTest extends ConsentStoreContract {
    @Override
    protected ConsentStore createStore(Path directory) {
        return JsonLinesConsentStore.builder(directory).withDurability(JsonLinesConsentStore.Durability.GROUP_COMMIT)
                .withSegmentSize(64 * 1024).build();
    }
}
