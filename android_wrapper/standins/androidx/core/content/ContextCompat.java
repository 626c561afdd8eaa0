package androidx.core.content;

import android.content.Context;
import java.util.concurrent.Executor;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures.
public class ContextCompat {
    protected ContextCompat() {}

    public static int checkSelfPermission(Context context, String permission) { throw new RuntimeException("Stub!"); }
    public static Executor getMainExecutor(Context context) { throw new RuntimeException("Stub!"); }
}
