package androidx.camera.core;

// Compile-only stand-in (packager tests; never shipped): the members android_wrapper/README.md's
// sample Activity uses, with the AndroidX / CameraX signatures. (No member is used.)
public abstract class UseCase {
    UseCase() {}
}
