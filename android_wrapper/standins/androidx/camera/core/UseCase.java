package androidx.camera.core;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures. (No member is used.)
public abstract class UseCase {
    UseCase() {}
}
