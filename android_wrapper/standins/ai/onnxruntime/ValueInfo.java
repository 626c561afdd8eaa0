package ai.onnxruntime;

// Compile-only stand-in (packager tests; never shipped): the members packager uses, with
// com.microsoft.onnxruntime:onnxruntime-android's (ai.onnxruntime Java API) signatures.
public interface ValueInfo {}
