// Part of packager's Android bundle (hand-written, not generated): builds this sample app on its
// own (Android Studio: open this folder; or `gradle assembleDebug` with the Android SDK and Gradle
// 9.1+), with AGP 9 and its built-in Kotlin, and the face module one folder up as ":face". Its
// repositories repeat the module's settings.gradle.kts: Gradle reads pluginManagement before
// anything can be applied, so two builds that each build alone cannot share it.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
    plugins {
        id("com.android.application") version "9.0.0"
        id("com.android.library") version "9.0.0"
    }
}

dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "face-sample"
include(":face")
project(":face").projectDir = file("..")
