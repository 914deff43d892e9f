import Testing
import S2SText

@Test func linksTheSystemICU() {
    #expect(icuMajorVersion() >= 60)
}
