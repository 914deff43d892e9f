// swift-tools-version: 6.1
// s2s — an LSTM sequence-learning toolkit (tokenizer, translator, language model, classifier).
import PackageDescription

let package = Package(
    name: "s2s",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "s2s", targets: ["s2s"]),
        // `s2s serve` runs this binary: the HTTP server's dependencies (SwiftNIO, Hummingbird) are half of a
        // clean release build (109 s of 230 s on 2 cores), which nothing else needs to wait for.
        .executable(name: "s2s-serve", targets: ["s2s-serve"]),
        .library(name: "S2S", targets: ["S2STasks", "S2SCore", "S2SNN", "S2SText", "S2STraining", "S2SDecoding", "S2SModels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `s2s-serve` only (the S2SServe target); no traits: swift-configuration is not needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C dependencies ------------------------------------------------------------------------
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // Debian's ICU exports version-suffixed symbols behind macros Swift cannot import; this shim
        // exposes the few calls we need under plain names and keeps ICU types out of its header.
        .target(name: "ICUShim",
                linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata")]),
        // Open MPI for `train-* --distributed`, opened at run time (dlopen): building and running s2s
        // never needs MPI installed; only a distributed run does.
        .target(name: "MPIShim", linkerSettings: [.linkedLibrary("dl")]),
        // The SIMD kernels (vector math, recurrent cells, optimizers, row-stable products), compiled for
        // generic x86-64, AVX2 and AVX-512 with per-function target attributes and chosen at run time:
        // no build flags, so packages can depend on s2s by version (SwiftPM refuses unsafe flags there).
        .target(name: "S2SKernels"),

        // Swift libraries ------------------------------------------------------------------------
        .target(name: "S2SCore", dependencies: ["CBLAS", "S2SKernels"]),
        .target(name: "S2SNN", dependencies: ["S2SCore"]),
        .target(name: "S2SText", dependencies: ["ICUShim", "S2SCore"]),
        .target(name: "S2STraining", dependencies: ["MPIShim", "S2SCore", "S2SNN"]),
        .target(name: "S2SDecoding", dependencies: ["S2SCore"]),
        .target(name: "S2SModels", dependencies: ["S2SCore", "S2SNN", "S2SText", "S2SDecoding"]),
        // The task layer, the public library: translation, language modelling and classification, each
        // with a bundle, text pipeline, data, validator, training job and inference type.
        .target(name: "S2STasks",
                dependencies: ["S2SCore", "S2SNN", "S2SText", "S2SModels", "S2STraining", "S2SDecoding"]),
        // `s2s serve`: the task layer over HTTP (JSON endpoints, batching across requests, a web page).
        .target(name: "S2SServe",
                dependencies: ["S2STasks", "S2SText", "S2STraining",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                resources: [.embedInCode("Web/index.html"), .embedInCode("Web/app.js"), .embedInCode("Web/style.css")]),
        .target(name: "S2SCLI",
                dependencies: ["S2STasks", "S2SCore", "S2SNN", "S2SText", "S2SModels", "S2STraining", "S2SDecoding",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "s2s", dependencies: ["S2SCLI", "S2SCore"]),
        .executableTarget(name: "s2s-serve",
                          dependencies: ["S2SCLI", "S2SServe", "S2SCore", "S2STraining",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Tests --------------------------------------------------------------------------------------
        // What every test target shares (paths to the corpora and fixtures, temporary directories, the tiny
        // trained models of the public-API and server tests):
        // test targets cannot import each other, so it is a plain target that only they depend on.
        .target(name: "S2STestSupport", dependencies: ["S2SCore", "S2SDecoding", "S2STasks", "S2STraining"], path: "Tests/S2STestSupport"),
        .testTarget(name: "S2SCoreTests", dependencies: ["S2SCore", "S2STestSupport"]),
        .testTarget(name: "S2SNNTests", dependencies: ["S2SNN", "S2STestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "S2STextTests", dependencies: ["S2SText", "S2STestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "S2STrainingTests", dependencies: ["S2STraining", "S2STestSupport"]),
        .testTarget(name: "S2SModelsTests", dependencies: ["S2SModels", "S2STraining", "S2STasks", "S2STestSupport"]),
        .testTarget(name: "S2SDecodingTests", dependencies: ["S2SDecoding", "S2STestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "S2STasksTests", dependencies: ["S2STasks", "S2SModels", "S2STraining", "S2STestSupport"]),
        .testTarget(name: "S2SServeTests", dependencies: ["S2SServe", "S2STasks", "S2STraining", "S2STestSupport"]),
        .testTarget(name: "S2SCLITests", dependencies: ["S2SCLI", "S2STasks", "S2STestSupport"]),
        // The library as a program using the S2S product sees it: plain `import`, never `@testable`.
        .testTarget(name: "S2SPublicAPITests", dependencies: ["S2SCore", "S2STasks", "S2STraining", "S2STestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
