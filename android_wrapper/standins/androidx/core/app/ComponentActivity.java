package androidx.core.app;

import android.app.Activity;
import android.os.Bundle;
import androidx.lifecycle.Lifecycle;
import androidx.lifecycle.LifecycleOwner;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures.
public class ComponentActivity extends Activity implements LifecycleOwner {
    public ComponentActivity() { throw new RuntimeException("Stub!"); }

    @Override
    protected void onCreate(Bundle savedInstanceState) { throw new RuntimeException("Stub!"); }
    @Override
    public Lifecycle getLifecycle() { throw new RuntimeException("Stub!"); }
}
