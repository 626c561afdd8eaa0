package com.google.common.util.concurrent;

import java.util.concurrent.Executor;
import java.util.concurrent.Future;

// Compile-only stand-in (packager tests; never shipped): Guava's ListenableFuture (the
// com.google.guava:listenablefuture artifact CameraX depends on), with its signature.
public interface ListenableFuture<V> extends Future<V> {
    void addListener(Runnable listener, Executor executor);
}
