// Part of packager's Android module (hand-written, not generated): the same for every recipe.
// Android library module with the face detection + emotion recognition wrappers (or, in a
// `packager convert` bundle, one model's runner). Include it in an app as it is: settings.gradle.kts
// `include(":face")` + `project(":face").projectDir = file(...)`, then `implementation(project(":face"))`. Plugin versions come from the including build (or from
// this folder's settings.gradle.kts when it is built on its own). Targets AGP 8.6+ and AGP 9.x.
plugins {
    id("com.android.library")
}

// AGP 9 compiles Kotlin itself ("built-in Kotlin", on by default) and registers the `kotlin`
// extension when it is applied; applying org.jetbrains.kotlin.android on top fails ("Cannot add
// extension with name 'kotlin'"). AGP 8, or AGP 9 with android.builtInKotlin=false, needs that
// plugin: declare it in the app's root build file (`apply false`), as Android Studio's templates do.
if (extensions.findByName("kotlin") == null) {
    apply(plugin = "org.jetbrains.kotlin.android")
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

// Kotlin bytecode for Java 17, like the Java sources. Set on the compile tasks, which both the
// Kotlin plugin (AGP 8) and built-in Kotlin (AGP 9) create, rather than through the `kotlin { }`
// accessor, which exists only when the plugin is in the plugins block.
tasks.withType<org.jetbrains.kotlin.gradle.tasks.KotlinJvmCompile>().configureEach {
    compilerOptions.jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
}

dependencies {
    // ONNX Runtime with the NNAPI and XNNPACK execution providers: the version of the onnxruntime
    // that wrote the bundle's .ort files (override with -PonnxruntimeVersion=..., not older than
    // that; 1.16 or newer: pinned outputs). `api`: SessionSettings exposes NNAPIFlags and SessionOptions.
    api("com.microsoft.onnxruntime:onnxruntime-android:${findProperty("onnxruntimeVersion") ?: "1.24.2"}")
}
