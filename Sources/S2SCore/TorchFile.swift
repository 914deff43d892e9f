// Reads a PyTorch `torch.save` file (the zip format of torch ≥ 1.6) without Python: the zip's stored
// entries, the pickle program of `data.pkl` run by a small unpickler that knows the opcodes torch and
// the standard library emit (protocol 2–5), and the tensors it names, read from `data/<key>`. Python
// objects other than containers, numbers and strings (argparse's Namespace, OrderedDict, …) come back as
// `.object` with their class, arguments and state, for the caller to read what it needs; nothing is
// ever executed. Errors name the file and what is wrong with it.
import Foundation

/// What is wrong with a torch file, naming it.
public struct TorchFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let problem: String
    public init(file: String, _ problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }
}

/// A value of an unpickled torch file.
public indirect enum PickleValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([PickleValue])
    case tuple([PickleValue])
    /// Keys and values in insertion order (OrderedDict and dict alike).
    case dict([PickleValue], [PickleValue])
    /// A class or function named by module and name (never looked up or called).
    case global(module: String, name: String)
    /// An instance: its class (a `.global`), the arguments it was made with, the state BUILD gave it.
    case object(type: PickleValue, arguments: [PickleValue], state: PickleValue?)
    /// A tensor, read into float32 (from float32, float16, bfloat16 or float64 storage).
    case tensor(shape: [Int], values: [Float])

    /// The value for string key `key` of a dict, an object's dict state (argparse.Namespace), or nil.
    public subscript(key: String) -> PickleValue? {
        switch self {
        case .dict(let keys, let values): return keys.firstIndex(of: .string(key)).map { values[$0] }
        case .object(_, let arguments, let state):
            if let state, let value = state[key] { return value }
            if arguments.count == 1, case .dict = arguments[0] { return arguments[0][key] }   // OrderedDict(…) built from a dict
            return nil
        default: return nil
        }
    }

    /// The entries of a dict (or of an OrderedDict object) with string keys, in order.
    public var entries: [(key: String, value: PickleValue)]? {
        switch self {
        case .dict(let keys, let values):
            var entries: [(key: String, value: PickleValue)] = []
            for (key, value) in zip(keys, values) {
                guard case .string(let name) = key else { return nil }
                entries.append((name, value))
            }
            return entries
        case .object(_, _, let state?):
            return state.entries
        case .object(_, let arguments, nil) where arguments.count == 1:
            return arguments[0].entries
        default: return nil
        }
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var int: Int? { if case .int(let value) = self { value } else { nil } }
    public var double: Double? {
        switch self {
        case .float(let value): return value
        case .int(let value): return Double(value)
        default: return nil
        }
    }
    public var bool: Bool? {
        switch self {
        case .bool(let value): return value
        case .int(let value): return value != 0
        default: return nil
        }
    }
    public var array: [PickleValue]? {
        switch self {
        case .list(let values), .tuple(let values): return values
        default: return nil
        }
    }
}

/// A torch file, read.
///
///     let checkpoint = try TorchFile.read("model.pt")
///     checkpoint["model"]?.entries?.first?.key        // "encoder.embeddings.make_embedding.emb_luts.0.weight"
public enum TorchFile {
    /// The unpickled `data.pkl` of the zip at `path`, its tensors read.
    public static func read(_ path: String) throws -> PickleValue {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw TorchFileError(file: path, "cannot read it (\(error.localizedDescription))")
        }
        return try read(bytes: bytes, name: path)
    }

    /// The same from the file's bytes; `name` names it in errors.
    public static func read(bytes: [UInt8], name: String) throws -> PickleValue {
        let zip = try StoredZip(bytes: bytes, name: name)
        guard let pickle = zip.entries.keys.filter({ $0.hasSuffix("/data.pkl") || $0 == "data.pkl" }).sorted().first else {
            throw TorchFileError(file: name, "no data.pkl in the archive: not a torch.save file (or one older than torch 1.6)")
        }
        let prefix = String(pickle.dropLast("data.pkl".count))
        var unpickler = Unpickler(bytes: try zip.contents(pickle), name: name) { key, dtype in
            guard let storage = try? zip.contents(prefix + "data/" + key) else {
                throw TorchFileError(file: name, "the tensor storage \(key) is missing from the archive")
            }
            return try Self.floats(storage, dtype: dtype, name: name)
        }
        return try unpickler.run()
    }

    /// A storage's elements as float32.
    static func floats(_ bytes: ArraySlice<UInt8>, dtype: String, name: String) throws -> [Float] {
        func load<T>(_ type: T.Type, _ convert: (T) -> Float) -> [Float] {
            let size = MemoryLayout<T>.size
            return bytes.withUnsafeBytes { raw in (0..<raw.count / size).map { convert(raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) } }
        }
        switch dtype {
        case "FloatStorage": return load(UInt32.self) { Float(bitPattern: UInt32(littleEndian: $0)) }
        case "DoubleStorage": return load(UInt64.self) { Float(Double(bitPattern: UInt64(littleEndian: $0))) }
        case "HalfStorage": return load(UInt16.self) { Float(Float16(bitPattern: UInt16(littleEndian: $0))) }
        case "BFloat16Storage": return load(UInt16.self) { Float(bitPattern: UInt32(UInt16(littleEndian: $0)) << 16) }
        default: throw TorchFileError(file: name, "a tensor of \(dtype): only floating-point tensors are read")
        }
    }
}

/// The entries of a zip whose members are stored uncompressed (as torch.save writes them).
struct StoredZip {
    let bytes: [UInt8]
    let name: String
    /// Entry name → (offset of its local header, size).
    private(set) var entries: [String: (offset: Int, size: Int)] = [:]

    init(bytes: [UInt8], name: String) throws {
        self.bytes = bytes; self.name = name
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        // The end-of-central-directory record: in the last 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw TorchFileError(file: name, "\(bytes.count) bytes: too short for a zip archive (truncated?)") }
        var end = -1
        for at in stride(from: bytes.count - 22, through: max(0, bytes.count - 22 - 65_535), by: -1) where u32(at) == 0x0605_4b50 {
            end = at
            break
        }
        guard end >= 0 else { throw TorchFileError(file: name, "no zip directory at its end: not a torch.save file, or truncated") }
        let count = u16(end + 10), directorySize = u32(end + 12), directoryOffset = u32(end + 16)
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF else {
            throw TorchFileError(file: name, "a zip64 archive (over 4 GB or 65,535 entries): not supported")
        }
        guard directoryOffset + directorySize <= end else { throw TorchFileError(file: name, "its zip directory points past its end (truncated?)") }
        var at = directoryOffset
        for _ in 0..<count {
            guard at + 46 <= end, u32(at) == 0x0201_4b50 else { throw TorchFileError(file: name, "a damaged zip directory entry at byte \(at)") }
            let method = u16(at + 10), size = u32(at + 20), nameLength = u16(at + 28), extra = u16(at + 30), comment = u16(at + 32)
            let local = u32(at + 42)
            guard at + 46 + nameLength <= end else { throw TorchFileError(file: name, "a damaged zip directory entry at byte \(at)") }
            let entry = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            guard method == 0 else { throw TorchFileError(file: name, "entry \(entry) is compressed (method \(method)): torch.save stores them; not read") }
            entries[entry] = (local, size)
            at += 46 + nameLength + extra + comment
        }
    }

    func contents(_ entry: String) throws -> ArraySlice<UInt8> {
        guard let (local, size) = entries[entry] else { throw TorchFileError(file: name, "no \(entry) in the archive") }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        guard local + 30 <= bytes.count, u16(local) | u16(local + 2) << 16 == 0x0403_4b50 else {
            throw TorchFileError(file: name, "entry \(entry): a damaged local header")
        }
        let start = local + 30 + u16(local + 26) + u16(local + 28)
        guard start + size <= bytes.count else { throw TorchFileError(file: name, "entry \(entry) runs past the end of the file (truncated?)") }
        return bytes[start..<(start + size)]
    }
}

/// Runs a pickle program, building values (see `PickleValue`); `storage(key, dtype)` reads a tensor storage.
struct Unpickler {
    let bytes: ArraySlice<UInt8>
    let name: String
    let storage: (String, String) throws -> [Float]
    private var position: Int
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var storages: [String: [Float]] = [:]

    init(bytes: ArraySlice<UInt8>, name: String, storage: @escaping (String, String) throws -> [Float]) {
        self.bytes = bytes; self.name = name; self.storage = storage; position = bytes.startIndex
    }

    private func error(_ problem: String) -> TorchFileError { TorchFileError(file: name, "data.pkl: \(problem)") }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, position + count <= bytes.endIndex else { throw error("ends in the middle of an instruction (truncated?)") }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    private mutating func integer(_ count: Int) throws -> Int {
        try take(count).reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast() else { throw error("pops an empty stack") }
        return value
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw error("no MARK for a collection") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private mutating func setTop(_ value: PickleValue) throws {
        guard !stack.isEmpty else { throw error("modifies an empty stack") }
        stack[stack.count - 1] = value
    }

    /// Adds `items` (key, value, key, value, …) to the dict (or OrderedDict object) on the stack's top.
    private mutating func setItems(_ items: [PickleValue]) throws {
        guard items.count % 2 == 0 else { throw error("SETITEMS with an odd number of values") }
        var target = try pop()
        switch target {
        case .dict(var keys, var values):
            for i in stride(from: 0, to: items.count, by: 2) {
                if let existing = keys.firstIndex(of: items[i]) { values[existing] = items[i + 1] } else { keys.append(items[i]); values.append(items[i + 1]) }
            }
            target = .dict(keys, values)
        case .object(let type, let arguments, let state):   // an OrderedDict: its items as its state
            var keys: [PickleValue] = [], values: [PickleValue] = []
            if case .dict(let k, let v)? = state { (keys, values) = (k, v) }
            for i in stride(from: 0, to: items.count, by: 2) { keys.append(items[i]); values.append(items[i + 1]) }
            target = .object(type: type, arguments: arguments, state: .dict(keys, values))
        default: throw error("SETITEM on something that is not a dict")
        }
        stack.append(target)
    }

    private mutating func append(_ items: [PickleValue]) throws {
        switch try pop() {
        case .list(let values): stack.append(.list(values + items))
        case .object(let type, let arguments, let state): stack.append(.object(type: type, arguments: arguments, state: .list((state?.array ?? []) + items)))
        default: throw error("APPEND on something that is not a list")
        }
    }

    /// `callable(arguments)`: a tensor for torch's rebuild functions, otherwise an opaque object.
    private mutating func call(_ callable: PickleValue, _ arguments: [PickleValue]) throws -> PickleValue {
        guard case .global(let module, let function) = callable else { throw error("REDUCE on something that is not a class or function") }
        switch (module, function) {
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            guard arguments.count >= 4, case .tuple(let storageRef) = arguments[0], storageRef.count == 2,
                  case .string(let key) = storageRef[0], case .string(let dtype) = storageRef[1],
                  let offset = arguments[1].int, let shape = arguments[2].array?.compactMap(\.int), let stride = arguments[3].array?.compactMap(\.int),
                  shape.count == stride.count else {
                throw error("a tensor with arguments it does not understand")
            }
            if storages[key] == nil { storages[key] = try storage(key, dtype) }
            let data = storages[key]!
            let count = shape.reduce(1, *)
            var values = [Float](repeating: 0, count: count)
            // Strided gather (a state dict's tensors are contiguous, but a view may not be).
            var index = [Int](repeating: 0, count: shape.count)
            for i in 0..<count {
                let source = offset + zip(index, stride).reduce(0) { $0 + $1.0 * $1.1 }
                guard source >= 0, source < data.count else { throw error("tensor \(key) reaches past its storage") }
                values[i] = data[source]
                var axis = shape.count - 1
                while axis >= 0 { index[axis] += 1; if index[axis] < shape[axis] { break }; index[axis] = 0; axis -= 1 }
            }
            return .tensor(shape: shape, values: values)
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            guard let tensor = arguments.first, case .tensor = tensor else { throw error("a parameter that holds no tensor") }
            return tensor
        case ("collections", "OrderedDict"):
            return .dict([], [])
        default:
            return .object(type: callable, arguments: arguments, state: nil)
        }
    }

    mutating func run() throws -> PickleValue {
        while true {
            let opcode = try take(1).first!
            switch opcode {
            case 0x80: _ = try take(1)                                         // PROTO
            case 0x95: _ = try take(8)                                         // FRAME
            case 0x2E: return try pop()                                        // STOP
            case 0x28: marks.append(stack.count)                               // MARK
            case 0x4E: stack.append(.none)                                     // NONE
            case 0x88: stack.append(.bool(true))                               // NEWTRUE
            case 0x89: stack.append(.bool(false))                              // NEWFALSE
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try integer(4)))))   // BININT
            case 0x4B: stack.append(.int(try integer(1)))                      // BININT1
            case 0x4D: stack.append(.int(try integer(2)))                      // BININT2
            case 0x8A:                                                         // LONG1
                let count = try integer(1)
                let digits = try take(count)
                guard count <= 8 else { throw error("an integer of \(count) bytes") }
                var value = digits.reversed().reduce(0) { $0 << 8 | Int($1) }
                if count > 0, count < 8, digits.last! & 0x80 != 0 { value -= 1 << (8 * count) }
                stack.append(.int(value))
            case 0x47: stack.append(.float(Double(bitPattern: UInt64(bitPattern: Int64(try integer(8))).byteSwapped)))   // BINFLOAT (big-endian)
            case 0x58: stack.append(.string(String(decoding: try take(try integer(4)), as: UTF8.self)))   // BINUNICODE
            case 0x8C: stack.append(.string(String(decoding: try take(try integer(1)), as: UTF8.self)))   // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(String(decoding: try take(try integer(8)), as: UTF8.self)))   // BINUNICODE8
            case 0x55: stack.append(.string(String(decoding: try take(try integer(1)), as: UTF8.self)))   // SHORT_BINSTRING
            case 0x54: stack.append(.string(String(decoding: try take(try integer(4)), as: UTF8.self)))   // BINSTRING
            case 0x43: stack.append(.bytes(Array(try take(try integer(1)))))   // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(Array(try take(try integer(4)))))   // BINBYTES
            case 0x7D: stack.append(.dict([], []))                             // EMPTY_DICT
            case 0x5D: stack.append(.list([]))                                 // EMPTY_LIST
            case 0x29: stack.append(.tuple([]))                                // EMPTY_TUPLE
            case 0x8F: stack.append(.list([]))                                 // EMPTY_SET (as a list)
            case 0x74: stack.append(.tuple(try popMark()))                     // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))                       // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))   // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c]))   // TUPLE3
            case 0x6C: stack.append(.list(try popMark()))                      // LIST
            case 0x64: let items = try popMark(); stack.append(.dict([], [])); try setItems(items)   // DICT
            case 0x61: let item = try pop(); try append([item])                // APPEND
            case 0x65: let items = try popMark(); try append(items)            // APPENDS
            case 0x90: let items = try popMark(); try append(items)            // ADDITEMS (set)
            case 0x73: let value = try pop(), key = try pop(); try setItems([key, value])   // SETITEM
            case 0x75: try setItems(try popMark())                             // SETITEMS
            case 0x71: memo[try integer(1)] = stack.last                       // BINPUT
            case 0x72: memo[try integer(4)] = stack.last                       // LONG_BINPUT
            case 0x94: memo[memo.count] = stack.last                           // MEMOIZE
            case 0x68, 0x6A:                                                   // BINGET, LONG_BINGET
                let key = try integer(opcode == 0x68 ? 1 : 4)
                guard let value = memo[key] else { throw error("refers to memo \(key), never stored") }
                stack.append(value)
            case 0x63:                                                         // GLOBAL "module\nname\n"
                func line() throws -> String {
                    guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw error("an unterminated GLOBAL") }
                    defer { position = end + 1 }
                    return String(decoding: bytes[position..<end], as: UTF8.self)
                }
                let module = try line(), name = try line()
                stack.append(.global(module: module, name: name))
            case 0x93:                                                         // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard let m = module.string, let n = name.string else { throw error("STACK_GLOBAL without strings") }
                stack.append(.global(module: m, name: n))
            case 0x52:                                                         // REDUCE
                let arguments = try pop(), callable = try pop()
                stack.append(try call(callable, arguments.array ?? []))
            case 0x81:                                                         // NEWOBJ
                let arguments = try pop(), type = try pop()
                stack.append(try call(type, arguments.array ?? []))
            case 0x62:                                                         // BUILD
                let state = try pop()
                switch try pop() {
                case .object(let type, let arguments, _): stack.append(.object(type: type, arguments: arguments, state: state))
                case let other: stack.append(other)   // a tensor's or dict's extra state (hooks, …): not needed
                }
            case 0x51:                                                         // BINPERSID: torch's storage reference
                let id = try pop()
                guard let parts = id.array, parts.count >= 3, parts[0].string == "storage",
                      case .global(_, let dtype) = parts[1], let key = parts[2].string else {
                    throw error("a persistent reference that is not a torch storage")
                }
                stack.append(.tuple([.string(key), .string(dtype)]))
            default:
                throw error(String(format: "opcode 0x%02X at byte %d is not one torch files use", opcode, position - 1 - bytes.startIndex))
            }
        }
    }
}
