// swift-tools-version: 6.0
// s2s used as a library: one small program that trains and uses each of the three models through the
// public API (`swift run -c release --package-path Examples s2s-examples`). CI builds and runs it.
import PackageDescription

let package = Package(
    name: "s2s-examples",
    platforms: [.macOS(.v13)],
    dependencies: [
        // A local path, so CI builds the checkout it tests (Tools/consumer/check.sh depends on s2s by
        // version instead). `name:` lets the product below say "s2s" whatever the checkout's directory
        // is called.
        .package(name: "s2s", path: ".."),
    ],
    targets: [
        .executableTarget(name: "s2s-examples", dependencies: [.product(name: "S2S", package: "s2s")]),
    ],
    swiftLanguageModes: [.v6]
)
