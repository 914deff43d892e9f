// The web page in a real browser: headless Chromium loads it from a running server, types a sentence
// (the page's `?translate=` hook fills the box and presses the button, as a user would), and the
// translation must appear in the DOM; a screenshot is saved for people to look at
// (.build/test-artifacts/serve-page.png). Runs where Debian's chromium is installed; CI installs it and
// sets S2S_REQUIRE_CHROMIUM=1, so there a missing browser fails instead of skipping.
import Foundation
import Testing
import S2STestSupport

@Suite struct WebPageTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let required = ProcessInfo.processInfo.environment["S2S_REQUIRE_CHROMIUM"] == "1"

    @Test(.enabled(if: chromium != nil || required, "needs Debian's chromium"))
    func translateInHeadlessChromium() async throws {
        let chromium = try #require(Self.chromium, "S2S_REQUIRE_CHROMIUM=1 but no chromium is installed")
        let translator = try TinyTranslator.shared.get().translator
        let source = TinyTranslator.pair("2718").source
        let expected = try translator.translate(source)
        try await TestServer.serving { port in
            let query = source.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let url = "http://127.0.0.1:\(port)/?translate=\(query)"
            let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                         "--user-data-dir=" + NSTemporaryDirectory() + "s2s-chromium-\(port)", "--virtual-time-budget=15000"]
            let dom = try await Self.run(chromium, flags + ["--dump-dom", url])
            let output = try #require(Self.element("translation-output", in: dom), "no #translation-output in the page")
            #expect(output == expected, "page shows \(output.debugDescription), the translator says \(expected.debugDescription)")
            #expect(dom.contains(#"data-translated="1""#))
            #expect(dom.contains(#"id="attention""#))

            let directory = Repository.root + "/.build/test-artifacts"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let screenshot = directory + "/serve-page.png"
            try? FileManager.default.removeItem(atPath: screenshot)
            _ = try await Self.run(chromium, flags + ["--screenshot=" + screenshot, "--window-size=1200,1000", url])
            let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)
        }
    }

    /// The text inside the element with `id` in a dumped DOM (tags removed, entities decoded).
    static func element(_ id: String, in dom: String) -> String? {
        guard let open = dom.range(of: "id=\"\(id)\"") else { return nil }
        guard let start = dom[open.upperBound...].firstIndex(of: ">") else { return nil }
        let rest = dom[dom.index(after: start)...]
        guard let end = rest.range(of: "</") else { return nil }
        return String(rest[..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Runs `executable` and returns its standard output; killed after 90 s.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                let output = Pipe()
                process.standardOutput = output
                process.standardError = FileHandle.nullDevice
                do { try process.run() } catch { continuation.resume(throwing: error); return }
                let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + 90, execute: watchdog)
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                watchdog.cancel()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
    }
}
