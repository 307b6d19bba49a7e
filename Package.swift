// swift-tools-version:6.0
// repartir: scenario → model → solver → solution → reports. Dependencies only point that way.
import PackageDescription

let package = Package(
    name: "repartir",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "repartir", targets: ["repartir"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Pinned: Scenario/YAMLAliasScan.swift reads libyaml's event stream through Yams' `CYaml` target, which Yams
        // builds but does not export as a product (its public API only composes trees, which expands aliases first).
        // A Yams release may rename or drop that target: move this pin only after
        // ScenarioFileTests.aliasesAndListsOfMappingsAreRefusedWithTheirPlace passes on it.
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // GLPK from Debian's libglpk-dev. No pkg-config file ships, so the module map links it directly.
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK"),
        // The only C code: runs a whole GLPK session under setjmp so GLPK's fatal errors never abort us.
        .target(name: "CGLPKShims", dependencies: ["CGLPK"], path: "Sources/CGLPKShims"),
        .target(name: "LinearProgramming"),
        .target(name: "GLPKSolver", dependencies: ["LinearProgramming", "CGLPKShims", "CGLPK"]),
        .target(name: "Scenario", dependencies: ["Yams"]),
        .target(name: "AllocationModel", dependencies: ["Scenario", "LinearProgramming"]),
        // Everything that solves more than once (staged solves, the frontier, sensitivity, the explainer, the analyses,
        // the start strategies), each returning values; it takes `any LinearSolver`, never GLPK itself.
        .target(name: "Studies", dependencies: ["Scenario", "AllocationModel", "LinearProgramming", "Baselines"]),
        // Reports renders the studies' results (frontier points, sensitivity rows, stage records, decompositions,
        // post ranges, the infeasibility explanation): those value types live beside the code that computes them.
        .target(
            name: "Reports",
            dependencies: ["Scenario", "AllocationModel", "LinearProgramming", "Studies", "Baselines", "Pictures"]),
        // Classic apportionments and the real 2021 allocation, turned into plans scored by the same model.
        .target(name: "Baselines", dependencies: ["Scenario", "AllocationModel"]),
        // SVG map and charts drawn by repartir itself (no plotting dependency).
        .target(name: "Pictures", dependencies: ["Scenario"]),
        // Solves through Studies, lets Reports assemble the files (baselines and maps included), publishes them.
        .target(
            name: "Pipeline",
            dependencies: [
                "Scenario", "AllocationModel", "LinearProgramming", "Studies", "Reports", "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The executable is the one place above GLPKSolver that names it: it builds the solver and passes it down.
        .executableTarget(
            name: "repartir",
            dependencies: [
                "Pipeline", "Scenario", "GLPKSolver", "LinearProgramming",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // What the test targets share: the hand-made commune scenario, the seeded generator and the scratch folder.
        .target(name: "CommuneFixtures", dependencies: ["Scenario"], path: "Tests/CommuneFixtures"),
        .testTarget(name: "LinearProgrammingTests", dependencies: ["LinearProgramming"]),
        .testTarget(name: "GLPKSolverTests", dependencies: ["GLPKSolver", "LinearProgramming", "CommuneFixtures"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "CommuneFixtures"]),
        .testTarget(
            name: "AllocationModelTests",
            dependencies: [
                "AllocationModel", "Studies", "Scenario", "LinearProgramming", "GLPKSolver", "CommuneFixtures",
            ]),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "AllocationModel", "Studies", "Scenario", "CommuneFixtures"],
            exclude: ["Golden"]),
        // `repartir` is not imported: the dependency builds the binary the tests run as a process.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Pipeline", "repartir", "CommuneFixtures", "GLPKSolver", "LinearProgramming", "Studies"]),
        .testTarget(
            name: "BaselinesTests",
            dependencies: [
                "Baselines", "AllocationModel", "Studies", "Scenario", "GLPKSolver", "LinearProgramming", "Reports",
            ]),
        .testTarget(name: "PicturesTests", dependencies: ["Pictures", "Scenario", "CommuneFixtures"]),
    ]
)
