import Testing
@testable import S2SServe
