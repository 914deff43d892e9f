// A fresh directory per test under the system's temporary directory, so parallel tests never share
// files, and one line to remove it again.
internal import Foundation

/// A new, empty directory named `s2s-<label>-<UUID>`; `remove()` deletes it and everything in it.
///
///     let directory = TemporaryDirectory("bundle")
///     defer { directory.remove() }
///     let path = directory.write("corpus.txt", "a b c\n")
///     let model = directory.file("model")      // a path inside, not created
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "test") {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("s2s-\(label)-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            preconditionFailure("cannot create \(path): \(error)")
        }
    }

    /// `name` inside the directory (nothing is created).
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) -> String {
        let file = file(name)
        precondition(FileManager.default.createFile(atPath: file, contents: Data(bytes)), "cannot write \(file)")
        return file
    }

    /// Writes `text` as UTF-8 to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    /// The contents of `name` inside the directory as UTF-8 text ("" when it cannot be read).
    public func read(_ name: String) -> String {
        String(decoding: FileManager.default.contents(atPath: file(name)) ?? Data(), as: UTF8.self)
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
