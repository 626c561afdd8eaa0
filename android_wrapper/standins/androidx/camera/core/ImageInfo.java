package androidx.camera.core;

// Compile-only stand-in (packager tests; never shipped): androidx.camera:camera-core's signatures.
public interface ImageInfo {
    long getTimestamp();
    int getRotationDegrees();
}
