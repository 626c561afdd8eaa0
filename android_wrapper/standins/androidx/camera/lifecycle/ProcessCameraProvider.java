package androidx.camera.lifecycle;

import android.content.Context;
import androidx.camera.core.Camera;
import androidx.camera.core.CameraSelector;
import androidx.camera.core.UseCase;
import androidx.lifecycle.LifecycleOwner;
import com.google.common.util.concurrent.ListenableFuture;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures.
public final class ProcessCameraProvider {
    ProcessCameraProvider() {}

    public static ListenableFuture<ProcessCameraProvider> getInstance(Context context) { throw new RuntimeException("Stub!"); }
    public Camera bindToLifecycle(LifecycleOwner lifecycleOwner, CameraSelector cameraSelector, UseCase... useCases) {
        throw new RuntimeException("Stub!");
    }
    public void unbindAll() { throw new RuntimeException("Stub!"); }
}
