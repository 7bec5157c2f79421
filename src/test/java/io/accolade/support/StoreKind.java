package io.accolade.support;

/** The two stores every storage-touching test runs on. */
public enum StoreKind {
    SQLITE, POSTGRES
}
