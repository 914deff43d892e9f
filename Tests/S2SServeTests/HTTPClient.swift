// A plain HTTP/1.1 client over a POSIX socket, for tests that must control exactly what goes on the wire
// (malformed JSON, oversize bodies) and read exactly what comes back (status, headers, chunked bodies).
// Each request blocks a thread of its own, never a thread of the concurrency pool, which the server
// under test needs for its handlers.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct HTTPReply: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The body as JSON (nil if it is not).
    var json: Any? { try? JSONSerialization.jsonObject(with: body) }
    /// `json["error"]` of an error reply.
    var error: String? { (json as? [String: Any])?["error"] as? String }
}

struct HTTPClientError: Error, CustomStringConvertible {
    let description: String
}

enum HTTPClient {
    /// `method path` on 127.0.0.1:`port` with `body`; the whole reply (the server closes the connection).
    static func request(port: Int, _ method: String, _ path: String, body: Data? = nil,
                        contentType: String = "application/json", timeout: Double = 60) async throws -> HTTPReply {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try blockingRequest(port: port, method, path, body: body, contentType: contentType, timeout: timeout) })
            }
            thread.start()
        }
    }

    /// POST with a JSON value as the body.
    static func post(port: Int, _ path: String, json: Any) async throws -> HTTPReply {
        try await request(port: port, "POST", path, body: try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]))
    }

    static func post(port: Int, _ path: String, raw: String) async throws -> HTTPReply {
        try await request(port: port, "POST", path, body: Data(raw.utf8))
    }

    static func get(port: Int, _ path: String) async throws -> HTTPReply {
        try await request(port: port, "GET", path)
    }

    /// Bytes sent as they are (a request head and body the server must judge, e.g. a malformed chunked body).
    static func sendRaw(port: Int, _ raw: String, timeout: Double = 60) async throws -> HTTPReply {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try exchange(port: port, Data(raw.utf8), timeout: timeout, what: "raw request") })
            }
            thread.start()
        }
    }

    private static func blockingRequest(port: Int, _ method: String, _ path: String, body: Data?, contentType: String,
                                        timeout: Double) throws -> HTTPReply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let body { head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        return try exchange(port: port, Data(head.utf8) + (body ?? Data()), timeout: timeout, what: "\(method) \(path)")
    }

    /// Connects, sends `bytes`, and reads the reply until the server closes the connection.
    private static func exchange(port: Int, _ bytes: Data, timeout: Double, what: String) throws -> HTTPReply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPClientError(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HTTPClientError(description: "connect to port \(port): errno \(errno)") }
        // A server may answer (413) and close before it has read a large body: a failed send is not an
        // error as long as a reply can be read.
        _ = sendAll(fd, bytes)
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 { received.append(contentsOf: buffer[0..<count]); continue }
            if count == 0 || errno == ECONNRESET { break }
            throw HTTPClientError(description: "\(what): no complete reply within \(timeout) s (errno \(errno))")
        }
        return try parse(received)
    }

    private static func sendAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    /// Status line, headers and body (de-chunked).
    static func parse(_ data: Data) throws -> HTTPReply {
        guard let end = data.firstRange(of: Data("\r\n\r\n".utf8)) else {
            throw HTTPClientError(description: "reply without a header end: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HTTPClientError(description: "bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[end.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
        return HTTPReply(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: Data) throws -> Data {
        var out = Data()
        var index = data.startIndex
        while let lineEnd = data[index...].firstRange(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0]
            guard let size = Int(sizeText, radix: 16) else { throw HTTPClientError(description: "bad chunk size \(sizeText)") }
            if size == 0 { break }
            let start = lineEnd.upperBound
            out.append(data[start..<(start + size)])
            index = start + size + 2
        }
        return out
    }
}
