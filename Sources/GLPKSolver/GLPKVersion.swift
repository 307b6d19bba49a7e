import CGLPK

/// The GLPK library loaded at run time must be the one repartir was built against (same major
/// version, same or newer minor): the guard and the status mapping rely on GLPK 5's behaviour, and a
/// different shared library behind the same header would fail in ways no error names. Checked once,
/// at the first solve or export, the way GLPK.jl checks in its `__init__`.
enum GLPKVersion {
    /// The version of the header repartir was compiled with.
    static let compiled = (major: Int(GLP_MAJOR_VERSION), minor: Int(GLP_MINOR_VERSION))

    /// nil when `runtime` ("major.minor") can serve a build against `compiled`; otherwise why not.
    static func problem(runtime: String, compiled: (major: Int, minor: Int) = compiled) -> String? {
        let parts = runtime.split(separator: ".").map { Int($0) }
        guard parts.count >= 2, let major = parts[0], let minor = parts[1] else {
            return "GLPK reports an unreadable version \"\(runtime)\""
        }
        if major == compiled.major && minor >= compiled.minor { return nil }
        return "GLPK \(runtime) is loaded, but repartir was built against GLPK \(compiled.major).\(compiled.minor)"
            + " (needs \(compiled.major).\(compiled.minor) or a later \(compiled.major).x); reinstall libglpk-dev and rebuild"
    }

    /// The check of the library actually loaded, made once per process.
    static let loadedProblem: String? = problem(runtime: GLPKSolver.version)

    static func check() throws(GLPKError) {
        if let problem = loadedProblem { throw .unsupportedVersion(problem) }
    }
}
