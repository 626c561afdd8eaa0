package androidx.camera.core;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures.
public final class CameraSelector {
    public static final CameraSelector DEFAULT_FRONT_CAMERA = null;
    public static final CameraSelector DEFAULT_BACK_CAMERA = null;

    CameraSelector() {}
}
