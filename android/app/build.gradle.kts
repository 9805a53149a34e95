// The app for phones: the same sources as the Maven build, plus the engine's native library
// for every phone ABI (cargo-ndk, 16 KB pages) and instrumentation tests on an emulator:
//
//     ./gradlew assembleDebug            (needs the NDK, r27+, and cargo-ndk)
//     ./gradlew connectedAndroidTest     (an emulator or device, API 29+)
//
// Not run on CI here (no SDK, no Gradle): see android/README.md.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

val workspace = rootDir.parentFile
val jniLibsDir = layout.buildDirectory.dir("cargo/jniLibs")
val uniffiDir = layout.buildDirectory.dir("generated/uniffi")
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64", "x86")

android {
    namespace = "org.callguard.app"
    compileSdk = 34

    defaultConfig {
        applicationId = "org.callguard.app"
        minSdk = 29
        targetSdk = 34
        versionCode = 1
        versionName = "0.1.0"
        testInstrumentationRunner = "androidx.test.runner.AndroidJUnitRunner"
        ndk { abiFilters += abis }
    }

    sourceSets {
        getByName("main") {
            manifest.srcFile("src/main/AndroidManifest.xml")
            java.srcDirs("src/main/kotlin", uniffiDir)
            res.srcDirs("src/main/res")
            // The list installed at first start: the demo publisher's site (see README).
            assets.srcDirs(layout.buildDirectory.dir("generated/assets"))
            jniLibs.srcDirs(jniLibsDir)
        }
        getByName("test") { java.srcDirs("src/test/kotlin") }
        getByName("androidTest") { java.srcDirs("src/androidTest/kotlin") }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_11
        targetCompatibility = JavaVersion.VERSION_11
    }
    kotlinOptions { jvmTarget = "11" }

    packaging {
        // Stored uncompressed and page-aligned (extractNativeLibs="false"; AGP 8.5+ aligns to 16 KB).
        jniLibs.useLegacyPackaging = false
    }
    testOptions { unitTests.isIncludeAndroidResources = true }
}

dependencies {
    implementation("net.java.dev.jna:jna:5.17.0@aar")
    compileOnly("androidx.annotation:annotation:1.9.1")
    testImplementation("junit:junit:4.13.2")
    testImplementation("org.robolectric:robolectric:4.16.1")
    testImplementation("net.java.dev.jna:jna:5.17.0")
    androidTestImplementation("androidx.test:runner:1.6.2")
    androidTestImplementation("androidx.test:rules:1.6.1")
    androidTestImplementation("androidx.test.ext:junit:1.2.1")
}

// libcallguard_ffi.so for each ABI, with 16 KB-page alignment (cargo-ndk, NDK r27+).
val cargoNdk by tasks.registering(Exec::class) {
    workingDir = workspace
    val args = mutableListOf("cargo", "ndk")
    abis.forEach { args += listOf("-t", it) }
    args += listOf("--platform", "29", "-o", jniLibsDir.get().asFile.path, "build", "--release", "--locked", "-p", "callguard-ffi")
    commandLine(args)
    environment("RUSTFLAGS", "-C link-arg=-Wl,-z,max-page-size=16384")
    outputs.dir(jniLibsDir)
}

// The Kotlin bindings, generated from the host library with the Android config.
val uniffiBindings by tasks.registering(Exec::class) {
    workingDir = workspace
    val target = System.getenv("CARGO_TARGET_DIR") ?: File(workspace, "target").path
    commandLine(
        "bash", "-c",
        "cargo build --locked -p callguard-ffi && cargo run --locked -q -p uniffi-bindgen -- generate " +
            "$target/debug/libcallguard_ffi.so --language kotlin --no-format " +
            "--config ${rootDir}/uniffi-android.toml --out-dir ${uniffiDir.get().asFile.path} && " +
            // The checked per-thread RustCallStatus step (issue 14, part 5), as in android/pom.xml.
            "python3 $workspace/bindings/kotlin/build-tools/patch_call_status.py " +
            "${uniffiDir.get().asFile.path}/org/callguard/callguard_ffi.kt",
    )
    outputs.dir(uniffiDir)
}

val bundledList by tasks.registering(Copy::class) {
    from(File(workspace, "signed-lists/demo/site"))
    into(layout.buildDirectory.dir("generated/assets/list"))
}

tasks.named("preBuild") { dependsOn(cargoNdk, uniffiBindings, bundledList) }
