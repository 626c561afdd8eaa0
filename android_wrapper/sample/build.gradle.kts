// Part of packager's Android bundle (hand-written, not generated): a minimal camera app on the face
// module one folder up: CameraX front camera → FaceEmotionPipeline → faces and emotions on screen.
// Open this folder in Android Studio (settings.gradle.kts here includes that module as ":face"), or
// include it in your own build beside the module (then the module's project name must be ":face").
// One build file for AGP 8.6+ (with the Kotlin Gradle plugin 2.0+) and AGP 9.x, as the module's.
// Its Kotlin-plugin switch and Java 17 settings repeat the module's on purpose: sharing them needs
// a convention plugin (buildSrc) or a script plugin, which cannot see the Android and Kotlin
// plugins' types, and the module's build file is copied alone into every `packager convert` bundle.
plugins {
    id("com.android.application")
}

// AGP 9 compiles Kotlin itself and registers the `kotlin` extension; AGP 8 (or AGP 9 with
// android.builtInKotlin=false) needs the plugin (declared by the including build).
if (extensions.findByName("kotlin") == null) {
    apply(plugin = "org.jetbrains.kotlin.android")
}

android {
    namespace = "dev.packager.face.sample"
    compileSdk = 35

    defaultConfig {
        applicationId = "dev.packager.face.sample"
        minSdk = 24
        targetSdk = 35
        versionCode = 1
        versionName = "1.0"
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

tasks.withType<org.jetbrains.kotlin.gradle.tasks.KotlinJvmCompile>().configureEach {
    compilerOptions.jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
}

dependencies {
    implementation(project(":face"))
    implementation("androidx.activity:activity:1.9.2")
    implementation("androidx.camera:camera-camera2:1.4.1")
    implementation("androidx.camera:camera-lifecycle:1.4.1")
}
