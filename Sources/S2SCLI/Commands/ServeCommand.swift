import ArgumentParser
import Foundation

/// `s2s serve`: runs the `s2s-serve` binary built beside this one, with the same arguments, in this process
/// (exec: the same process id, so signals such as SIGTERM reach the server). The server and its HTTP
/// dependencies live in that product alone: they are half of a clean build, which the other commands
/// need not wait for.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve translators, classifiers and language models over HTTP, with a web page.",
        discussion: """
            Runs the s2s-serve binary beside s2s (build it once: swift build -c release --product s2s-serve). \
            `s2s serve --help` lists its options. Example:
              s2s serve -m Models/en-de -m Models/airline -m Models/shakespeare --port 8080
            """)

    @Argument(parsing: .captureForPassthrough, help: "s2s-serve's options (-m MODEL …; `s2s serve --help`).")
    var arguments: [String] = []

    /// `s2s-serve` in the directory of the running executable.
    static var serverPath: String {
        let own = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return own.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("s2s-serve").path
    }

    func run() throws {
        let server = Self.serverPath
        guard FileManager.default.isExecutableFile(atPath: server) else {
            let configuration = server.contains("/debug/") ? "" : "-c release "
            throw ServeLaunchError(description: """
                s2s serve runs \(server), which is not built: swift build \(configuration)--product s2s-serve \
                (the HTTP server's dependencies: about 2 minutes on 2 cores, once)
                """)
        }
        let argv = ([server] + arguments).map { strdup($0) } + [nil]
        execv(server, argv)
        throw ServeLaunchError(description: "s2s serve: cannot run \(server): \(String(cString: strerror(errno)))")
    }
}

/// Why `s2s serve` could not start the server (printed as it is, without a usage line).
struct ServeLaunchError: Error, CustomStringConvertible {
    let description: String
}
