package androidx.lifecycle;

// Compile-only stand-in (packager tests; never shipped): the members android_wrapper/README.md's
// sample Activity uses, with the AndroidX / CameraX signatures.
public interface LifecycleOwner {
    Lifecycle getLifecycle();
}
