// swift-tools-version:5.9
//
// The Callguard Swift package: the Rust engine as a static-library xcframework
// (CallguardFFI) and the Swift generated from it by UniFFI (Callguard). Both are built by
// ./build-xcframework.sh on a Mac; neither is committed.
//
//   ./build-xcframework.sh && swift test          # the XCTest tests on macOS
//   xcodebuild test -scheme Callguard -destination 'platform=iOS Simulator,name=iPhone 16'
import PackageDescription

let package = Package(
    name: "Callguard",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Callguard", targets: ["Callguard"]),
    ],
    targets: [
        .binaryTarget(name: "CallguardFFI", path: "CallguardFFI.xcframework"),
        .target(
            name: "Callguard",
            dependencies: ["CallguardFFI"],
            path: "Sources/Callguard",
            linkerSettings: [
                // What the Rust static library needs from the system (getrandom and
                // ring use Security; `cargo rustc -p callguard-ffi --crate-type staticlib
                // -- --print native-static-libs` lists it).
                .linkedFramework("Security"),
                .linkedFramework("CoreFoundation"),
            ]
        ),
        .testTarget(
            name: "CallguardTests",
            dependencies: ["Callguard"],
            path: "Tests/CallguardTests"
        ),
    ]
)
