package androidx.lifecycle;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures.
public interface LifecycleOwner {
    Lifecycle getLifecycle();
}
