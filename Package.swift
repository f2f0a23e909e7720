import Foundation
// swift-tools-version:6.0
import PackageDescription

/// The numeric core is compiled for the machine that builds it when that machine has the
/// Haswell instruction set (AVX2, FMA, BMI: every x86-64 server CPU since 2013): 4-wide
/// SIMD doubles make the analytic kernels ~25% faster (docs/benchmarks.md). SwiftPM always
/// builds from source, so the binary runs where it was built; `TANGENT_PORTABLE=1` builds
/// for baseline x86-64 instead (for a binary copied to other machines).
let hostHasHaswellISA: Bool = {
    #if os(Linux) && arch(x86_64)
    if Context.environment["TANGENT_PORTABLE"] == "1" { return false }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return false }
    let flags = Set(line.split(separator: " ").map(String.init))
    return ["avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "popcnt", "abm"].allSatisfy(flags.contains)
    #else
    return false
    #endif
}()
/// The AVX-512 foundation set (F, CD, BW, DQ, VL: Skylake-SP and later, AMD Zen 4 and later) on
/// top of that: 32 vector registers hold the kernels' 16-lane vectors without spilling, which
/// made the analytic ReLU kernel ~1.3× faster on this project's AMD EPYC (docs/benchmarks.md).
let hostHasAVX512: Bool = {
    #if os(Linux) && arch(x86_64)
    guard hostHasHaswellISA, let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return false }
    let flags = Set(line.split(separator: " ").map(String.init))
    return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
    #else
    return false
    #endif
}()
let coreSettings: [SwiftSetting] =
    hostHasAVX512
    ? [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
    : hostHasHaswellISA ? [.unsafeFlags(["-target-cpu", "haswell"])] : []

let package = Package(
    name: "Tangent",
    products: [
        .executable(name: "tangent", targets: ["tangent"]),
        // The numeric core is the one library: its `public` API (Matrix, MLP and Layer networks,
        // analytic and empirical kernels, predict, NPY, numpy's generator) is for Swift users.
        // Everything else crosses modules with `package` access only.
        .library(name: "NTKCore", targets: ["NTKCore"])
    ],
    targets: [
        // MARK: System libraries (Debian packages; module.modulemap + shim.h only)
        .systemLibrary(
            name: "CCMark", path: "Sources/CCMark", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .systemLibrary(
            name: "CLinearAlgebra", path: "Sources/CLinearAlgebra", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: Support (what every stage needs and none owns: safe file writing, temporary
        // files, real paths, the memory budget, stable hashes, JSON, the product version;
        // knows neither notebooks nor numerics)
        .target(name: "TangentSupport", exclude: ["README.md"]),

        // MARK: Stages (data flows top to bottom; each depends only on those above, and every
        // module a target imports is listed here)
        .target(name: "CommonMark", dependencies: ["CCMark"], exclude: ["README.md"]),
        .target(
            name: "NTKCore", dependencies: ["CLinearAlgebra", "TangentSupport"], exclude: ["README.md"],
            swiftSettings: coreSettings),
        // The data sets of `dataset(name)`, compressed and built into the binary (scripts/datasets).
        .target(name: "Datasets", dependencies: ["CZlib", "NTKCore"], exclude: ["README.md"]),
        .target(name: "Language", dependencies: ["Datasets", "NTKCore", "TangentSupport"], exclude: ["README.md"]),
        .target(
            name: "Notebook", dependencies: ["CommonMark", "Language", "NTKCore", "TangentSupport"],
            exclude: ["README.md"]),
        .target(
            name: "Render",
            dependencies: ["CommonMark", "Notebook", "Language", "NTKCore", "TangentSupport"],
            exclude: ["README.md"]),
        // `tangent lsp`: a language server over stdio for notebooks in editors (analysis without
        // running; a run through Notebook's Runner when the editor asks). Never Render or NTKCore.
        .target(
            name: "LanguageServer", dependencies: ["Language", "Notebook", "TangentSupport"], exclude: ["README.md"]),
        // HTTP on POSIX sockets, a file watcher and live reload: knows folders, not notebooks.
        .target(name: "Serve", dependencies: ["TangentSupport"], exclude: ["README.md"]),

        // MARK: Command line (a thin layer over the library)
        .target(
            name: "TangentCLI",
            dependencies: ["Render", "Notebook", "Language", "NTKCore", "Serve", "LanguageServer", "TangentSupport"],
            exclude: ["README.md"]),
        .executableTarget(name: "tangent", dependencies: ["TangentCLI", "NTKCore"]),
        // Benchmarks are programs that print tables: `swift run -c release tangent-bench`.
        .executableTarget(name: "tangent-bench", dependencies: ["NTKCore", "CLinearAlgebra", "TangentSupport"]),

        // MARK: Tests (one target per module; fixtures are read through #filePath)
        // Helpers the test targets share (seeded generator, temporary folders, launching the
        // binary, a raw HTTP client): test targets only; not a product (Tests/TestSupport/README.md).
        .target(
            name: "TestSupport", dependencies: ["TangentSupport"], path: "Tests/TestSupport", exclude: ["README.md"]),
        .testTarget(
            name: "TangentSupportTests", dependencies: ["TangentSupport", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CommonMarkTests", dependencies: ["CommonMark"]),
        .testTarget(
            name: "NTKCoreTests", dependencies: ["NTKCore", "TangentSupport", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "NTKCore", "CZlib"], exclude: ["Fixtures"]),
        .testTarget(
            name: "LanguageTests", dependencies: ["Language", "Datasets", "NTKCore", "TangentSupport", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "NotebookTests", dependencies: ["Notebook", "Language", "NTKCore", "TangentSupport", "TestSupport"]),
        .testTarget(
            name: "RenderTests",
            dependencies: ["Render", "Notebook", "Language", "NTKCore", "CommonMark", "TangentSupport", "TestSupport"]),
        .testTarget(
            name: "TangentCLITests",
            dependencies: ["TangentCLI", "Serve", "Notebook", "Language", "NTKCore", "TangentSupport", "TestSupport"],
            exclude: ["Corpus", "CorpusPending", "Contract", "Contract2", "Contract3"]),
        .testTarget(name: "ServeTests", dependencies: ["Serve", "Render", "TestSupport"]),
        .testTarget(
            name: "LanguageServerTests",
            dependencies: ["LanguageServer", "Language", "Notebook", "TangentSupport", "TestSupport"],
            exclude: ["Neovim"])
    ]
)

// MARK: Fuzzing (libFuzzer; built only by scripts/fuzz.sh, which sets TANGENT_FUZZ=1 and
// compiles everything with -sanitize=fuzzer,address; each target's main calls LLVMFuzzerRunDriver)
if Context.environment["TANGENT_FUZZ"] != nil {
    package.targets += [
        .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"),
        .executableTarget(
            name: "FuzzNotebook", dependencies: ["FuzzSupport", "Notebook", "Language", "Render"],
            path: "Fuzz/FuzzNotebook"),
        .executableTarget(name: "FuzzParser", dependencies: ["FuzzSupport", "Language"], path: "Fuzz/FuzzParser"),
        .executableTarget(name: "FuzzEvaluator", dependencies: ["FuzzSupport", "Language"], path: "Fuzz/FuzzEvaluator"),
        .executableTarget(
            name: "FuzzJSON", dependencies: ["FuzzSupport", "TangentSupport"], path: "Fuzz/FuzzJSON",
            exclude: ["json.dict"]),
        .executableTarget(
            name: "FuzzLanguageServer", dependencies: ["FuzzSupport", "LanguageServer", "TangentSupport"],
            path: "Fuzz/FuzzLanguageServer"),
        .executableTarget(
            name: "FuzzDecoders", dependencies: ["FuzzSupport", "NTKCore", "Datasets", "TangentSupport"],
            path: "Fuzz/FuzzDecoders", exclude: ["decoders.dict"])
    ]
}
