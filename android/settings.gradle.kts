// The Gradle build for developers with Android Studio and the SDK (not run on CI here: the
// Maven build in pom.xml is what CI runs). Same source folders as the Maven build.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "callguard-android"
include(":app")
