import Foundation

/// The one folder every test writes its files in, removed when the test process exits. Each test used to make its own
/// folder in the system's temporary directory and leave it there: about a hundred folders a run, 7,900 (3.3 GB) after
/// one day of runs, on a machine that runs the suite nightly. `REPARTIR_KEEP_TEST_FILES=1` keeps the folder, to look
/// at what a failing test wrote (its path is then printed).
public enum TestScratch {
    public static let root: URL = {
        let system = FileManager.default.temporaryDirectory
        let url = system.appendingPathComponent("repartir-tests-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            return system  // the tests that write then fail on their own, naming the path
        }
        if ProcessInfo.processInfo.environment["REPARTIR_KEEP_TEST_FILES"] == nil {
            atexit { try? FileManager.default.removeItem(at: TestScratch.root) }
        } else {
            print("repartir tests: files kept in \(url.path)")
        }
        return url
    }()
}
