package androidx.activity;

import android.os.Bundle;
import androidx.activity.result.ActivityResultCallback;
import androidx.activity.result.ActivityResultCaller;
import androidx.activity.result.ActivityResultLauncher;
import androidx.activity.result.contract.ActivityResultContract;
import androidx.lifecycle.Lifecycle;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures.
public class ComponentActivity extends androidx.core.app.ComponentActivity implements ActivityResultCaller {
    public ComponentActivity() { throw new RuntimeException("Stub!"); }

    @Override
    protected void onCreate(Bundle savedInstanceState) { throw new RuntimeException("Stub!"); }
    @Override
    public Lifecycle getLifecycle() { throw new RuntimeException("Stub!"); }
    @Override
    public final <I, O> ActivityResultLauncher<I> registerForActivityResult(
            ActivityResultContract<I, O> contract, ActivityResultCallback<O> callback) {
        throw new RuntimeException("Stub!");
    }
}
