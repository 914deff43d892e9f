import S2SCLI

RootCommand.main()
