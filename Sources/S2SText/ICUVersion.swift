internal import ICUShim

/// The major version of the system ICU that s2s's tokenizer links against.
public func icuMajorVersion() -> Int { Int(icushim_version_major()) }
