// The error a task's inference type throws for options that cannot work (a beam smaller than its
// n-best list, a negative temperature, no cores): a library must say so, not stop the program.

/// Options outside their valid range, named with the valid range.
///
///     var options = TranslationOptions()
///     options.nBest = 9                       // more than beamSize 5
///     try translator.translate(["a dog"], options: options)   // throws OptionsError
public struct OptionsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// Throws `message` unless `condition` holds.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(OptionsError) {
        if !condition { throw OptionsError(message()) }
    }
}
