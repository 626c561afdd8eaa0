// Hand-written: lets this module build on its own (`gradle assembleRelease` with the Android SDK,
// Gradle 9.1+). It uses AGP 9 with built-in Kotlin, so no Kotlin plugin is declared. When an app
// includes the module, the app's settings and plugin versions are used instead (AGP 8.6+ with the
// Kotlin Gradle plugin 2.0+, or AGP 9.x).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
    plugins {
        id("com.android.library") version "9.0.0"
    }
}

dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "face"
