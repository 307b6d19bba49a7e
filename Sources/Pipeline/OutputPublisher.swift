import Foundation

/// Publishes a run directory all at once: files are written into a temporary folder beside the
/// destination, then renamed into place, so a reader never sees a half-written run and a failure
/// leaves the previous run as it was.
public enum OutputPublisher {
    public static func publish(_ files: [(name: String, content: Data)], to destination: String) throws(RunFailure) {
        let manager = FileManager.default
        let url = URL(fileURLWithPath: destination).standardizedFileURL
        let parent = url.deletingLastPathComponent()
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateOutput("cannot create \(parent.path): \(error.localizedDescription)")
        }
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(url.lastPathComponent).partial-\(pid)")
        let previous = parent.appendingPathComponent(".\(url.lastPathComponent).previous-\(pid)")
        try? manager.removeItem(at: staging)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw .cannotCreateOutput("cannot write in \(parent.path): \(error.localizedDescription)")
        }
        do {
            for file in files {
                try file.content.write(to: staging.appendingPathComponent(file.name), options: .atomic)
            }
        } catch {
            try? manager.removeItem(at: staging)
            throw .outputIO("\(error.localizedDescription)")
        }
        let hadPrevious = manager.fileExists(atPath: url.path)
        do {
            if hadPrevious { try manager.moveItem(at: url, to: previous) }
            try manager.moveItem(at: staging, to: url)
        } catch {
            if hadPrevious && !manager.fileExists(atPath: url.path) { try? manager.moveItem(at: previous, to: url) }
            try? manager.removeItem(at: staging)
            throw .outputIO("cannot move the run into \(url.path): \(error.localizedDescription)")
        }
        if hadPrevious { try? manager.removeItem(at: previous) }
    }
}
