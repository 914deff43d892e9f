import Testing
@testable import S2SCLI

@Test func helpListsSubcommands() {
    let help = RootCommand.helpMessage()
    for command in RootCommand.commandList {
        let name = command.configuration.commandName ?? ""
        #expect(help.contains(name), "s2s --help does not list \(name)")
    }
}
