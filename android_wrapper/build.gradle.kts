// Part of packager's Android module (hand-written, not generated): the same for every recipe.
// Android library module with the face detection + emotion recognition wrappers. Include it in an
// app as it is: settings.gradle.kts `include(":face")` + `project(":face").projectDir = file(...)`,
// then `implementation(project(":face"))`. Plugin versions come from the including build (or from
// this folder's settings.gradle.kts when it is built on its own).
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "dev.packager.face"
    compileSdk = 35

    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    // The .ort models are read whole into memory; storing them uncompressed keeps that cheap.
    androidResources {
        noCompress += "ort"
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
    }
}

dependencies {
    // ONNX Runtime with the NNAPI execution provider. Use a version at least as new as the
    // onnxruntime that wrote the bundle's .ort files (override with -PonnxruntimeVersion=...).
    // `api`: PipelineOptions exposes its NNAPIFlags type.
    api("com.microsoft.onnxruntime:onnxruntime-android:${findProperty("onnxruntimeVersion") ?: "1.32.0"}")
}
