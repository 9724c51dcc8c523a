package dev.embedconsent.store;

import java.nio.file.Path;

class JdbcConsentStoreIT extends ConsentStoreContract {
    @Override
    protected ConsentStore createStore(Path directory) {
        return JdbcConsentStore.builder(PostgresSupport.dataSource()).withTableName(PostgresSupport.freshTable()).build();
    }
}
