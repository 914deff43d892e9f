import S2SCore

Allocator.useOneArena()   // before any thread, as in s2s
ServerCommand.main()
