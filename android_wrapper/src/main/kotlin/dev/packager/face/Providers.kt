// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

// Android-only: the execution providers of ONNX Runtime for Android (Providers.swift: iOS's).

import ai.onnxruntime.providers.NNAPIFlags
import android.os.Build
import java.util.EnumSet

/**
 * Where ONNX Runtime runs a model; nodes the provider cannot take run on ONNX Runtime's CPU kernels.
 * [deviceDefault] is the default: NNAPI on Android 10 to 14 (API 29-34), XNNPACK otherwise.
 */
sealed class Provider(val name: String) {
    /**
     * Android's NNAPI (the NPU, GPU or DSP the device's drivers expose); ONNX Runtime's NNAPI
     * execution provider needs Android 8.1 (API [MIN_SDK]): below it the session is not opened on
     * NNAPI ([ModelSession.fallbackReason] says so). [flags]: ONNX Runtime's NNAPI options; the
     * default CPU_DISABLED keeps NNAPI's own CPU reference implementation (nnapi-reference, often
     * slower than ONNX Runtime's CPU kernels) out; from API 29, where ONNX Runtime honours it, a
     * model the accelerators cannot take whole fails to open on NNAPI, so the CPU fallback is taken
     * and reported. USE_FP16 lets NNAPI compute in half precision. NNAPI is deprecated from
     * Android 15 (API 35).
     */
    class Nnapi @JvmOverloads constructor(
        val flags: EnumSet<NNAPIFlags> = EnumSet.of(NNAPIFlags.CPU_DISABLED),
    ) : Provider("NNAPI") {
        override fun equals(other: Any?): Boolean = other is Nnapi && other.flags == flags
        override fun hashCode(): Int = flags.hashCode()
        override fun toString(): String = "Nnapi($flags)"

        companion object {
            /** Android 8.1: ONNX Runtime's NNAPI execution provider needs it (its NNAPI EP documentation). */
            const val MIN_SDK: Int = Build.VERSION_CODES.O_MR1
        }
    }

    /** XNNPACK: optimized float32 CPU kernels (ARM NEON), in onnxruntime-android on every Android version. */
    object Xnnpack : Provider("XNNPACK") {
        override fun toString(): String = "Xnnpack"
    }

    /** ONNX Runtime's own CPU kernels only. */
    object Cpu : Provider("CPU") {
        override fun toString(): String = "Cpu"
    }

    companion object {
        /** Android 10: from here ONNX Runtime honours NNAPI's CPU_DISABLED (ignored up to API 28). */
        const val NNAPI_DEFAULT_FROM_SDK: Int = Build.VERSION_CODES.Q

        /** Android 15: NNAPI is deprecated (Android NDK, Neural Networks API guide). */
        const val NNAPI_DEPRECATED_SDK: Int = Build.VERSION_CODES.VANILLA_ICE_CREAM

        /**
         * The default provider on a device of API level [sdkInt]: [Nnapi] with CPU_DISABLED from
         * API [NNAPI_DEFAULT_FROM_SDK] up to [NNAPI_DEPRECATED_SDK] (exclusive), [Xnnpack] otherwise
         * (before API 29 NNAPI may run nodes on its slow CPU reference code; from Android 15 it
         * is deprecated and, as Android's guide expects, mostly backed by the CPU).
         */
        @JvmStatic
        fun defaultFor(sdkInt: Int): Provider =
            if (sdkInt >= NNAPI_DEFAULT_FROM_SDK && sdkInt < NNAPI_DEPRECATED_SDK) Nnapi() else Xnnpack

        /** [defaultFor] this device (`android.os.Build.VERSION.SDK_INT`). */
        @JvmStatic
        fun deviceDefault(): Provider = defaultFor(Build.VERSION.SDK_INT)

        /** Why [provider] cannot be registered on a device of API level [sdkInt], or null when it can. */
        @JvmStatic
        fun unavailableReason(provider: Provider, sdkInt: Int): String? =
            if (provider is Nnapi && sdkInt < Nnapi.MIN_SDK) {
                "NNAPI needs Android 8.1 (API ${Nnapi.MIN_SDK}); this device runs API $sdkInt"
            } else {
                null
            }
    }
}
